//! "Manage trust": enforcement notices (recorded against a core service's key question, lifted
//! when the CQC lifts them) and the CQC's last published ratings, which readiness puts beside
//! its indicative ratings and carries forward where nothing new was observed.

use domain::admin::TrustOverview;
use domain::principles::Enforcement;
use domain::rating::Rating;
use leptos::prelude::*;

use crate::api::admin::{AdminLiftNotice, AdminRecordNotice, AdminRecordPublished};
use crate::components::form::{ActionError, error_of};

/// A key question's title from the framework's list (`overall` is "Overall").
fn key_question_label(titles: &[(String, String)], code: &str) -> String {
    titles.iter().find(|(c, _)| c == code).map_or_else(
        || {
            if code == "overall" {
                "Overall".to_owned()
            } else {
                code.to_owned()
            }
        },
        |(_, title)| title.clone(),
    )
}

fn notice_label(e: Enforcement) -> &'static str {
    match e {
        Enforcement::RequirementNotice => "Requirement notice",
        Enforcement::WarningNotice => "Warning notice",
    }
}

/// The section, with its two forms.
#[component]
pub fn EnforcementAndPublished(
    overview: TrustOverview,
    record_notice: ServerAction<AdminRecordNotice>,
    lift_notice: ServerAction<AdminLiftNotice>,
    record_published: ServerAction<AdminRecordPublished>,
) -> impl IntoView {
    let services: Vec<(String, String)> = overview
        .core_services
        .iter()
        .map(|s| (s.id.to_string(), format!("{} ({})", s.name, s.site_name)))
        .collect();
    let service_options = |services: &[(String, String)]| {
        services
            .iter()
            .cloned()
            .map(|(id, name)| view! { <option value=id>{name}</option> })
            .collect_view()
    };
    let notice_services = service_options(&services);
    let published_services = service_options(&services);
    let titles = StoredValue::new(overview.key_questions.clone());
    let kq_options = move |overall: bool| {
        let mut list = titles.get_value();
        if overall {
            list.push(("overall".to_owned(), "Overall".to_owned()));
        }
        list.into_iter()
            .map(|(c, l)| view! { <option value=c>{l}</option> })
            .collect_view()
    };
    view! {
        <section aria-labelledby="enforcement">
            <h2 id="enforcement">"Enforcement and published ratings"</h2>
            <p class="hint">
                "A notice limits the indicative rating of that key question as the CQC's ratings principles say. "
                "Published ratings stand beside the indicative ones, and carry forward where nothing new was observed."
            </p>
            <ActionError message=Signal::derive(move || error_of(lift_notice.value().get())) />
            {if overview.notices.is_empty() {
                view! { <p>"No enforcement notices recorded."</p> }.into_any()
            } else {
                view! {
                    <ul class="user-list">
                        {overview.notices.iter().map(|n| {
                            let when = match n.lifted_on {
                                Some(l) => format!("from {} to {}", n.recorded_on.format("%-d %B %Y"), l.format("%-d %B %Y")),
                                None => format!("since {}", n.recorded_on.format("%-d %B %Y")),
                            };
                            let what = format!("{}: {}, {} ({})", notice_label(n.enforcement), titles.with_value(|t| key_question_label(t, &n.key_question)), n.core_service_name, n.site_name);
                            let id = n.id.to_string();
                            let current = n.lifted_on.is_none();
                            view! {
                                <li class="user">
                                    <p><strong>{what.clone()}</strong> " " {when}
                                        {(!current).then(|| view! { <span class="tag tag--grey">"Lifted"</span> })}
                                    </p>
                                    {current.then(|| view! {
                                        <ActionForm action=lift_notice>
                                            <input type="hidden" name="notice_id" value=id />
                                            <button type="submit" class="button button--secondary">
                                                "Lift notice" <span class="visually-hidden">{format!(" {what}")}</span>
                                            </button>
                                        </ActionForm>
                                    })}
                                </li>
                            }
                        }).collect_view()}
                    </ul>
                }
                    .into_any()
            }}
            <h3>"Record a notice"</h3>
            <ActionForm action=record_notice attr:class="inline-form">
                <div class="form-group">
                    <label class="label" for="notice-service">"Core service" <span class="visually-hidden">" under notice"</span></label>
                    <select id="notice-service" name="core_service_id" required>{notice_services}</select>
                </div>
                <div class="form-group">
                    <label class="label" for="notice-kq">"Key question" <span class="visually-hidden">" under notice"</span></label>
                    <select id="notice-kq" name="key_question">{kq_options(false)}</select>
                </div>
                <div class="form-group">
                    <label class="label" for="notice-kind">"Notice"</label>
                    <select id="notice-kind" name="enforcement">
                        <option value="requirement_notice">"Requirement notice"</option>
                        <option value="warning_notice">"Warning notice"</option>
                    </select>
                </div>
                <ActionError message=Signal::derive(move || error_of(record_notice.value().get())) />
                <button type="submit" class="button">"Record notice"</button>
            </ActionForm>
            <h3>"Published CQC ratings"</h3>
            {if overview.published.is_empty() {
                view! { <p>"No published ratings recorded."</p> }.into_any()
            } else {
                view! {
                    <table class="table">
                        <thead><tr>
                            <th scope="col">"Core service"</th>
                            <th scope="col">"Key question"</th>
                            <th scope="col">"Rating"</th>
                            <th scope="col">"Report date"</th>
                        </tr></thead>
                        <tbody>
                            {overview.published.iter().map(|p| view! {
                                <tr>
                                    <td>{format!("{} ({})", p.core_service_name, p.site_name)}</td>
                                    <td>{titles.with_value(|t| key_question_label(t, &p.key_question))}</td>
                                    <td>{p.rating.label()}</td>
                                    <td>{p.report_date.format("%-d %B %Y").to_string()}</td>
                                </tr>
                            }).collect_view()}
                        </tbody>
                    </table>
                }
                    .into_any()
            }}
            <ActionForm action=record_published attr:class="inline-form">
                <div class="form-group">
                    <label class="label" for="published-service">"Core service" <span class="visually-hidden">" rated by the CQC"</span></label>
                    <select id="published-service" name="core_service_id" required>{published_services}</select>
                </div>
                <div class="form-group">
                    <label class="label" for="published-kq">"Key question" <span class="visually-hidden">" rated by the CQC"</span></label>
                    <select id="published-kq" name="key_question">{kq_options(true)}</select>
                </div>
                <div class="form-group">
                    <label class="label" for="published-rating">"Published rating"</label>
                    <select id="published-rating" name="rating">
                        {Rating::RATED.into_iter().map(|r| view! { <option value=r.as_str()>{r.label()}</option> }).collect_view()}
                    </select>
                </div>
                <div class="form-group">
                    <label class="label" for="published-date">"Report date"</label>
                    <input class="input input--date" id="published-date" name="report_date" type="date" required />
                </div>
                <ActionError message=Signal::derive(move || error_of(record_published.value().get())) />
                <button type="submit" class="button">"Record published rating"</button>
            </ActionForm>
        </section>
    }
}
