//! `GET /admin/calibration`: a trust admin pairs two inspectors to inspect one ward with one
//! checklist within a window, and reads how far each pair agreed (percent agreement, Cohen's
//! kappa and the prevalence-adjusted kappa, per KLOE and prompt by prompt), which assessors
//! agree poorly with their partners, and which prompts are answered differently most often.

use domain::calibration::Agreement;
use domain::calibration::view::{
    AssessorJudged, CalibrationOverview, Choice, Half, Judged, PairResult, PairStatus, PairView,
    PromptSpread,
};
use leptos::prelude::*;
use leptos_meta::Title;

use crate::api::calibration::{PairInspectors, get_calibration};
use crate::components::form::{ActionError, error_of, message};
use crate::components::signed_in::SignedIn;

/// `GET /admin/calibration`.
#[component]
pub fn CalibrationPage() -> impl IntoView {
    view! {
        <Title text="Calibration - ReadyWard" />
        <SignedIn render=|user| {
            if !user.role.can_administer() {
                return view! {
                    <h1>"Calibration"</h1>
                    <p>"Only trust administrators can pair inspectors."</p>
                }
                    .into_any();
            }
            view! { <Calibration /> }.into_any()
        } />
    }
}

#[component]
fn Calibration() -> impl IntoView {
    let pair = ServerAction::<PairInspectors>::new();
    let overview = Resource::new(move || pair.version().get(), |_| get_calibration());
    view! {
        <nav aria-label="Breadcrumb" class="breadcrumb">
            <a href="/admin">"Manage trust"</a>
        </nav>
        <h1>"Calibration"</h1>
        <p class="lede">
            "Pair two inspectors to inspect the same ward with the same checklist. Neither can "
            "read the other's answers until both have finished; then ReadyWard shows how far "
            "they agreed, so you can see where the checklist or the training needs work."
        </p>
        <Suspense fallback=|| view! { <p>"Loading the pairs…"</p> }>
            {move || Suspend::new(async move {
                match overview.await {
                    Ok(o) => view! { <Overview o pair /> }.into_any(),
                    Err(e) => view! { <p class="error-message" role="alert">{message(&e)}</p> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn Overview(o: CalibrationOverview, pair: ServerAction<PairInspectors>) -> impl IntoView {
    view! {
        <PairForm wards=o.wards checklists=o.checklists inspectors=o.inspectors pair />
        <section aria-labelledby="pairs">
            <h2 id="pairs">"Pairs"</h2>
            {if o.pairs.is_empty() {
                view! { <p>"No inspectors have been paired yet."</p> }.into_any()
            } else {
                view! {
                    <ul class="pair-list">
                        {o.pairs.into_iter().map(|p| view! { <Pair p /> }).collect_view()}
                    </ul>
                }
                    .into_any()
            }}
        </section>
        <Assessors assessors=o.assessors />
        <Prompts prompts=o.prompts />
        <p class="hint">{o.rules_note}</p>
    }
}

fn options(choices: Vec<Choice>) -> impl IntoView {
    choices
        .into_iter()
        .map(|c| view! { <option value=c.id.to_string()>{c.name}</option> })
        .collect_view()
}

#[component]
fn PairForm(
    wards: Vec<Choice>,
    checklists: Vec<Choice>,
    inspectors: Vec<Choice>,
    pair: ServerAction<PairInspectors>,
) -> impl IntoView {
    let select =
        |id: &'static str, name: &'static str, label: &'static str, choices: Vec<Choice>| {
            view! {
                <div class="form-group">
                    <label class="label" for=id>{label}</label>
                    <select id=id name=name required>
                        <option value="">"Choose"</option>
                        {options(choices)}
                    </select>
                </div>
            }
        };
    view! {
        <section aria-labelledby="pair-new">
            <h2 id="pair-new">"Pair two inspectors"</h2>
            <ActionForm action=pair attr:class="inline-form">
                {select("pair-ward", "unit_id", "Ward", wards)}
                {select("pair-checklist", "template_id", "Checklist", checklists)}
                {select("pair-first", "first_user_id", "First inspector", inspectors.clone())}
                {select("pair-second", "second_user_id", "Second inspector", inspectors)}
                <div class="form-group">
                    <label class="label" for="pair-opens">"Window opens"</label>
                    <input class="input input--date" id="pair-opens" name="opens_on" type="date" required />
                </div>
                <div class="form-group">
                    <label class="label" for="pair-closes">"Window closes"</label>
                    <input class="input input--date" id="pair-closes" name="closes_on" type="date" required />
                </div>
                <ActionError message=Signal::derive(move || error_of(pair.value().get())) />
                <button type="submit" class="button">"Pair them"</button>
            </ActionForm>
        </section>
    }
}

fn half_words(h: &Half) -> String {
    let state = match (h.inspection_id, h.finished) {
        (None, _) => "not started",
        (Some(_), false) => "in progress",
        (Some(_), true) => "finished",
    };
    format!("{}: {state}", h.name)
}

fn percent(a: &Agreement) -> String {
    format!("{:.0}%", a.percent * 100.0)
}

fn kappa(a: &Agreement) -> String {
    a.kappa.map_or_else(
        || "not defined (one answer throughout)".to_owned(),
        |k| format!("{k:.2}"),
    )
}

/// "Agreed on 18 of 20 prompts (90%), kappa 0.71, adjusted 0.87: substantial".
fn summary(j: &Judged) -> String {
    let a = &j.agreement;
    let same = (a.percent * f64::from(a.prompts)).round();
    format!(
        "Agreed on {same} of {} prompts ({}); kappa {}; prevalence-adjusted kappa {:.2}: {}{}",
        a.prompts,
        percent(a),
        kappa(a),
        a.pabak,
        j.reading.words,
        if j.reading.poor {
            " (poor agreement)"
        } else {
            ""
        },
    )
}

#[component]
fn Pair(p: PairView) -> impl IntoView {
    let (tag, tag_class) = match p.status {
        PairStatus::Waiting => ("Waiting", "tag tag--grey"),
        PairStatus::Complete => ("Both finished", "tag tag--green"),
        PairStatus::Lapsed => ("Window closed", "tag tag--grey"),
    };
    view! {
        <li class="pair">
            <h3>
                {format!("{}, {}", p.unit_name, p.template_name)} " "
                <span class=tag_class>{tag}</span>
            </h3>
            <p>
                {format!(
                    "{} to {}. {}; {}.",
                    p.opens_on.format("%-d %B %Y"),
                    p.closes_on.format("%-d %B %Y"),
                    half_words(&p.first),
                    half_words(&p.second),
                )}
            </p>
            {p.result.map(|r| view! { <Result r first=p.first.name second=p.second.name /> })}
        </li>
    }
}

#[component]
fn Result(r: PairResult, first: String, second: String) -> impl IntoView {
    let overall = r
        .overall
        .as_ref()
        .map_or_else(|| "They answered no prompt in common.".to_owned(), summary);
    view! {
        <p class="pair__overall">{overall}</p>
        {(!r.by_item.is_empty()).then(|| view! {
            <table class="table">
                <caption>"By key line of enquiry"</caption>
                <thead>
                    <tr>
                        <th scope="col">"KLOE"</th>
                        <th scope="col">"Prompts"</th>
                        <th scope="col">"Agreement"</th>
                        <th scope="col">"Kappa"</th>
                        <th scope="col">"Adjusted kappa"</th>
                        <th scope="col">"Reading"</th>
                    </tr>
                </thead>
                <tbody>
                    {r.by_item.into_iter().map(|i| {
                        let a = i.judged.agreement;
                        view! {
                            <tr>
                                <th scope="row">{format!("{} {}", i.code.as_str(), i.title)}</th>
                                <td>{a.prompts}</td>
                                <td>{percent(&a)}</td>
                                <td>{kappa(&a)}</td>
                                <td>{format!("{:.2}", a.pabak)}</td>
                                <td>{i.judged.reading.words}</td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
        })}
        {(!r.differing.is_empty()).then(|| view! {
            <table class="table">
                <caption>"Prompts they answered differently"</caption>
                <thead>
                    <tr>
                        <th scope="col">"Prompt"</th>
                        <th scope="col">{first}</th>
                        <th scope="col">{second}</th>
                    </tr>
                </thead>
                <tbody>
                    {r.differing.into_iter().map(|d| view! {
                        <tr>
                            <th scope="row">{format!("{} {}", d.prompt.as_str(), d.text)}</th>
                            <td>{d.first.label()}</td>
                            <td>{d.second.label()}</td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
        })}
    }
}

#[component]
fn Assessors(assessors: Vec<AssessorJudged>) -> impl IntoView {
    view! {
        <section aria-labelledby="assessors">
            <h2 id="assessors">"Assessors"</h2>
            {if assessors.is_empty() {
                view! { <p>"No pair has finished yet."</p> }.into_any()
            } else {
                view! {
                    <table class="table">
                        <caption class="visually-hidden">"Each assessor's agreement with their partners, poorest first"</caption>
                        <thead>
                            <tr>
                                <th scope="col">"Assessor"</th>
                                <th scope="col">"Pairs"</th>
                                <th scope="col">"Prompts"</th>
                                <th scope="col">"Agreement"</th>
                                <th scope="col">"Kappa"</th>
                                <th scope="col">"Adjusted kappa"</th>
                                <th scope="col">"Reading"</th>
                            </tr>
                        </thead>
                        <tbody>
                            {assessors.into_iter().map(|s| {
                                let a = s.judged.agreement;
                                let reading = s.judged.reading;
                                view! {
                                    <tr class:calibration--poor=reading.poor>
                                        <th scope="row">{s.name}</th>
                                        <td>{s.pairs}</td>
                                        <td>{a.prompts}</td>
                                        <td>{percent(&a)}</td>
                                        <td>{kappa(&a)}</td>
                                        <td>{format!("{:.2}", a.pabak)}</td>
                                        <td>{reading.words}{reading.poor.then_some(" (poor)")}</td>
                                    </tr>
                                }
                            }).collect_view()}
                        </tbody>
                    </table>
                }
                    .into_any()
            }}
        </section>
    }
}

#[component]
fn Prompts(prompts: Vec<PromptSpread>) -> impl IntoView {
    (!prompts.is_empty()).then(|| view! {
        <section aria-labelledby="prompts-differing">
            <h2 id="prompts-differing">"Prompts answered differently"</h2>
            <table class="table">
                <caption class="visually-hidden">"Prompts answered differently, most often first"</caption>
                <thead>
                    <tr>
                        <th scope="col">"Prompt"</th>
                        <th scope="col">"Pairs that answered it"</th>
                        <th scope="col">"Answered differently"</th>
                    </tr>
                </thead>
                <tbody>
                    {prompts.into_iter().map(|p| view! {
                        <tr>
                            <th scope="row">{format!("{} {}", p.prompt.as_str(), p.text)}</th>
                            <td>{p.pairs}</td>
                            <td>{p.differing}</td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
        </section>
    })
}
