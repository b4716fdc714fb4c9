//! The summary under the prompts: answers counted by key question, the photos taken, and the
//! prompts still unanswered with a link to each.

use domain::PromptCode;
use domain::inspection::{ChecklistPrompt, Response, Tally, sections};
use leptos::prelude::*;

use super::ByCode;
use super::anchor;

/// Counts by key question and answer, and the prompts still unanswered.
#[component]
pub(super) fn Summary(prompts: Vec<ChecklistPrompt>, findings: RwSignal<ByCode>) -> impl IntoView {
    let sections = sections(&prompts);
    let photo_prompts = prompts.clone();
    let photos = move || {
        let f = findings.read();
        let with_photos: Vec<(PromptCode, usize)> = photo_prompts
            .iter()
            .filter_map(|p| {
                let n = f.get(p.code.as_str()).map_or(0, |x| x.photo_ids.len());
                (n > 0).then(|| (p.code.clone(), n))
            })
            .collect();
        let total: usize = with_photos.iter().map(|(_, n)| n).sum();
        let words = match total {
            0 => "No photos taken yet.".to_owned(),
            1 => "1 photo, for ".to_owned(),
            n => format!("{n} photos, for "),
        };
        let list = with_photos
            .iter()
            .map(|(code, n)| {
                if *n == 1 {
                    code.to_string()
                } else {
                    format!("{code} ({n})")
                }
            })
            .collect::<Vec<_>>()
            .join(", ");
        if total == 0 {
            words
        } else {
            format!("{words}{list}.")
        }
    };
    view! {
        <section aria-labelledby="summary-heading">
            <h2 id="summary-heading">"Summary"</h2>
            <p class="summary-photos">{photos}</p>
            <table class="table">
                <caption class="visually-hidden">"Answers by key question"</caption>
                <thead>
                    <tr>
                        <th scope="col">"Key question"</th>
                        {Response::ALL.into_iter().map(|r| view! { <th scope="col">{r.label()}</th> }).collect_view()}
                        <th scope="col">"Unanswered"</th>
                    </tr>
                </thead>
                <tbody>
                    {sections.into_iter().map(|section| {
                        let codes = section.prompt_codes();
                        let count = move |want: Option<Response>| {
                            let f = findings.read();
                            Tally::of(codes.iter().map(|c| c.as_str()), |c| f.get(c).and_then(|x| x.response)).count(want)
                        };
                        let count = std::sync::Arc::new(count);
                        view! {
                            <tr>
                                <th scope="row">{section.title}</th>
                                {Response::ALL.into_iter().map(|r| {
                                    let count = count.clone();
                                    view! { <td>{move || count(Some(r))}</td> }
                                }).collect_view()}
                                <td>{let count = count.clone(); move || count(None)}</td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
            {move || {
                let f = findings.read();
                let open: Vec<ChecklistPrompt> = prompts.iter().filter(|p| f.get(p.code.as_str()).and_then(|x| x.response).is_none()).cloned().collect();
                (!open.is_empty()).then(|| view! {
                    <details class="item">
                        <summary>{format!("Prompts still unanswered ({})", open.len())}</summary>
                        <ul>
                            {open.into_iter().map(|p| view! {
                                <li><a href=format!("#{}", anchor(&p.code))>{p.code.to_string()} " " {p.text.clone()}</a></li>
                            }).collect_view()}
                        </ul>
                    </details>
                })
            }}
        </section>
    }
}
