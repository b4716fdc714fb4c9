//! The inspection page: every prompt of the checklist on one scrolling page, grouped by key
//! question and KLOE, with jump links and progress. Each answer and note is saved to the device
//! (with its outbox entry) before the page says so; nothing waits for the network.
//!
//! The page is made of small components, one file each: a prompt card (`prompt_card`) with its
//! photos (`photos`), the interview notes (`interviews`), the summary (`summary`), the finish
//! section (`finish`), handing over to the next shift (`hand_over`), the storage line (`storage`), where the inspector was (`place`), and
//! saving typed text as it is typed (`typing`).

mod finish;
mod hand_over;
mod interviews;
mod photos;
mod place;
mod prompt_card;
mod storage;
mod summary;
mod typing;

use std::collections::HashMap;

use domain::SubjectCode;
use domain::inspection::{FindingData, InspectionStatus, InterviewData, Tally, sections};
use leptos::prelude::*;
use leptos_meta::Title;
use uuid::Uuid;

use crate::components::params::use_id_param;
use crate::components::signed_in::SignedIn;
use crate::device::OutboxTick;
use crate::device::{
    DeviceError, ForgetCopy, InterviewDraft, LocalInspection, RescuedText, ThisDevice, use_device,
};
use domain::api::UserInfo;
use finish::Finish;
use hand_over::HandOver;
use interviews::Interviews;
use place::{remember_prompt, return_to_prompt};
use prompt_card::PromptCard;
use storage::StorageInfo;
use summary::Summary;
use typing::{PutBack, put_back_rescued, save_typing_when_hidden};

/// An inspection's findings by what they answer (a prompt's code).
type ByCode = HashMap<SubjectCode, FindingData>;

/// What the page shows, as loaded from the device.
#[derive(Clone)]
struct OnDevice {
    inspection: LocalInspection,
    /// Findings by prompt code.
    findings: ByCode,
    interviews: Vec<InterviewData>,
    /// The interview note being written when the page was last open, not saved yet.
    interview_draft: Option<InterviewDraft>,
    /// Photo id to a link that shows it from the device.
    photos: HashMap<Uuid, String>,
    /// What putting back text rescued when the page last went away did.
    put_back: PutBack,
}

type Loaded = Result<Option<OnDevice>, String>;

async fn load(device: ThisDevice, user_id: Uuid, id: Uuid) -> Loaded {
    let read = async {
        let Some(inspection) = device.inspection(user_id, id).await? else {
            return Ok(None);
        };
        let mut findings = device
            .findings_of(id)
            .await?
            .into_iter()
            .map(|f| (f.item_code.clone(), f))
            .collect();
        let interviews = device.interviews_of(id).await?;
        let mut interview_draft = device.interview_draft(inspection.user_id, id).await?;
        let put_back =
            put_back_rescued(device, &inspection, &mut findings, &mut interview_draft).await;
        let photos = device
            .photos_of(id)
            .await?
            .into_iter()
            .filter_map(|p| Some((p.id, device.object_url(&p.blob)?)))
            .collect();
        Ok(Some(OnDevice {
            inspection,
            findings,
            interviews,
            interview_draft,
            photos,
            put_back,
        }))
    };
    read.await.map_err(|e: DeviceError| e.to_string())
}

/// `GET /inspections/{id}`: rendered from the device's store, so it works offline, and only
/// for the signed-in user whose inspection it is (on a shared tablet, anyone else's is not found).
#[component]
pub fn InspectionPage() -> impl IntoView {
    view! {
        <Title text="Inspection - ReadyWard" />
        <SignedIn render=|user: UserInfo| view! { <InspectionOf user_id=user.id /> } />
    }
}

#[component]
fn InspectionOf(user_id: Uuid) -> impl IntoView {
    let id = use_id_param();
    let device = use_device();
    let loaded = LocalResource::new(move || {
        let id = id();
        async move {
            match id {
                Some(id) => load(device, user_id, id).await,
                None => Ok(None),
            }
        }
    });
    // The inspection lives on the device only: the server and the hydrating page both show the
    // placeholder, and the device's copy replaces it once the page is running.
    let mounted = RwSignal::new(false);
    Effect::new(move |_| mounted.set(true));
    let opening = || view! { <p>"Opening the inspection on this device…"</p> };
    move || {
        if !mounted.get() {
            return opening().into_any();
        }
        view! {
            <Suspense fallback=opening>
                {move || Suspend::new(async move {
                    match loaded.await {
                        Ok(Some(on_device)) => view! { <Inspection on_device /> }.into_any(),
                        Ok(None) => view! {
                            <h1>"Inspection not found"</h1>
                            <p>"You have no inspection at this address on this device. A finished inspection leaves the device once the server has all of it; an open one stays on the device it was started on, or reaches the device of whoever it was handed over to when they next sign in."</p>
                            <p><a href="/">"Go to the home page"</a></p>
                        }.into_any(),
                        Err(e) => view! { <p class="error-message" role="alert">{e}</p> }.into_any(),
                    }
                })}
            </Suspense>
        }
        .into_any()
    }
}

fn anchor(code: &str) -> String {
    format!("prompt-{}", code.replace('.', "-"))
}

#[component]
fn Inspection(on_device: OnDevice) -> impl IntoView {
    let OnDevice {
        inspection,
        findings,
        interviews,
        interview_draft,
        photos,
        put_back,
    } = on_device;
    let tick = expect_context::<OutboxTick>();
    if put_back.saved {
        // Counted again, so the waiting change shows and goes out.
        Effect::new(move |_| tick.bump());
    }
    let device = use_device();
    // Before the fields exist, so each registers to be saved when the page is hidden.
    save_typing_when_hidden(device, inspection.user_id, inspection.id);
    let photos = RwSignal::new(photos);
    // For the benchmarks: when the inspection first shows, from the start of the page load.
    Effect::new(move |_| {
        if let Some(perf) = leptos::web_sys::window().and_then(|w| w.performance()) {
            let _ = perf.mark("readyward:inspection-shown");
        }
    });
    let inspection_id = inspection.id;
    // Back to where the inspector was: reload, a killed tab or a restarted tablet.
    Effect::new(move |_| return_to_prompt(inspection_id));
    // `findings` is what the screen shows, changed once IndexedDB has committed; `latest` is
    // the newest version of each finding, which the next edit builds on even while an earlier
    // write is still in flight.
    let latest = StoredValue::new(findings.clone());
    let findings = RwSignal::new(findings);
    let finished = RwSignal::new(inspection.status == InspectionStatus::Submitted);
    let handed_to = RwSignal::new(None::<String>);
    let error = RwSignal::new(put_back.failed);
    let total = inspection.prompts.len();
    let answered = move || {
        findings
            .read()
            .values()
            .filter(|f| f.response.is_some())
            .count()
    };
    let prompts = inspection.prompts.clone();
    let first_unanswered = move || {
        let f = findings.read();
        prompts
            .iter()
            .find(|p| f.get(p.code.as_str()).and_then(|x| x.response).is_none())
            .map(|p| p.code.clone())
    };
    let groups = sections(&inspection.prompts);
    let kq_progress = groups
        .iter()
        .map(|s| (s.code.clone(), s.title.clone(), s.prompt_codes()))
        .collect::<Vec<_>>();
    let item_choices: Vec<(SubjectCode, String)> = groups
        .iter()
        .flat_map(|s| {
            s.items
                .iter()
                .map(|i| (SubjectCode::from(i.code.clone()), i.title.clone()))
        })
        .collect();
    let summary_prompts = inspection.prompts.clone();
    let user_id = inspection.user_id;
    let save = move |finding: FindingData| {
        remember_prompt(inspection_id, &finding.item_code);
        latest.update_value(|f| {
            f.insert(finding.item_code.clone(), finding.clone());
        });
        persist(
            device,
            user_id,
            finding,
            Saving::Change,
            findings,
            error,
            tick,
        );
    };
    // A note as it is typed: the same, but it may replace the finding's waiting change.
    let save_note = move |finding: FindingData| {
        remember_prompt(inspection_id, &finding.item_code);
        latest.update_value(|f| {
            f.insert(finding.item_code.clone(), finding.clone());
        });
        persist(
            device,
            user_id,
            finding,
            Saving::Typed,
            findings,
            error,
            tick,
        );
    };
    view! {
        <span class="caption">{inspection.template_name.clone()} " · version " {inspection.template_version}</span>
        <h1>{inspection.unit_name.clone()}</h1>
        <section class="progress" aria-labelledby="progress-heading">
            <h2 id="progress-heading" class="progress__title">
                {move || format!("{} of {} prompts answered", answered(), total)}
            </h2>
            <ul class="progress__list">
                {kq_progress.into_iter().map(|(code, title, codes)| {
                    view! {
                        <li>
                            <a href=format!("#kq-{code}")>{title}</a>
                            {move || {
                                let f = findings.read();
                                let tally = Tally::of(codes.iter().map(|c| c.as_str()), |c| f.get(c).and_then(|x| x.response));
                                format!(" {} of {}", tally.answered(), tally.total())
                            }}
                        </li>
                    }
                }).collect_view()}
            </ul>
            {move || first_unanswered().map(|code| view! {
                <p><a href=format!("#{}", anchor(&code))>{format!("Go to the next unanswered prompt ({code})")}</a></p>
            })}
            <StorageInfo />
            {move || match handed_to.get() {
                Some(name) => Some(view! {
                    <p class="inset">{format!("Handed over to {name}: only they can change it now.")}</p>
                }.into_any()),
                None => finished.get().then(|| view! {
                    <p class="inset">"This inspection is finished. It can be read but no longer changed."</p>
                }.into_any()),
            }}
        </section>
        {move || error.get().map(|e| view! { <p class="error-message" role="alert">{e}</p> })}
        {groups.into_iter().map(|section| view! {
            <section aria-labelledby=format!("kq-{}", section.code)>
                <h2 id=format!("kq-{}", section.code)>{section.title}</h2>
                {section.items.into_iter().map(|item| view! {
                    <h3 class="item-heading">{item.code.to_string()} " " {item.title}</h3>
                    {item.prompts.into_iter().map(|p| view! { <PromptCard prompt=p user_id inspection_id findings latest finished save save_note photos error tick /> }).collect_view()}
                }).collect_view()}
            </section>
        }).collect_view()}
        <Interviews inspection_id user_id items=item_choices interviews draft=interview_draft finished error tick />
        <Summary prompts=summary_prompts findings />
        <Finish user_id inspection_id total findings finished error tick />
        <HandOver user_id inspection_id finished handed_to />
    }
}

/// How a finding reaches the device's outbox.
#[derive(Clone, Copy)]
enum Saving {
    /// A change of its own (an answer): always a new waiting change.
    Change,
    /// Typed text: replaces the finding's waiting change while no push has had it.
    Typed,
}

/// Stores a finding with its outbox entry; only then does the screen show it as saved.
fn persist(
    device: ThisDevice,
    user_id: Uuid,
    finding: FindingData,
    saving: Saving,
    findings: RwSignal<ByCode>,
    error: RwSignal<Option<String>>,
    tick: OutboxTick,
) {
    let timing = device.start_timing("readyward:record");
    leptos::task::spawn_local(async move {
        let stored = match saving {
            Saving::Change => device.record_finding(user_id, &finding).await,
            Saving::Typed => device.save_finding_draft(user_id, &finding).await,
        };
        match stored {
            Ok(()) => {
                device.end_timing("readyward:record", timing);
                if let Saving::Typed = saving {
                    let rescued = RescuedText::Note {
                        code: finding.item_code.clone(),
                        text: finding.note.clone(),
                    };
                    let inspection_id = finding.inspection_id;
                    device.forget_rescued(user_id, inspection_id, &rescued, ForgetCopy::Holding);
                }
                findings.update(|f| {
                    f.insert(finding.item_code.clone(), finding);
                });
                error.set(None);
                tick.bump();
            }
            Err(e) => error.set(Some(e.to_string())),
        }
    });
}

/// The findings as shown and as last edited (see `Inspection`), for code that changes both.
#[derive(Clone, Copy)]
struct Kept {
    user_id: Uuid,
    findings: RwSignal<ByCode>,
    latest: StoredValue<ByCode>,
}

impl Kept {
    /// A finding the device has stored: the newest edit, and now on screen.
    fn confirm(self, finding: FindingData) {
        self.latest.update_value(|f| {
            f.insert(finding.item_code.clone(), finding.clone());
        });
        self.findings.update(|f| {
            f.insert(finding.item_code.clone(), finding);
        });
    }
}

/// The newest version of a prompt's finding, for an edit to build on.
fn latest_of(
    latest: StoredValue<ByCode>,
    inspection_id: Uuid,
    code: SubjectCode,
) -> impl Fn() -> FindingData + Clone + Send + Sync + 'static {
    move || {
        latest
            .with_value(|f| f.get(&code).cloned())
            .unwrap_or_else(|| crate::device::blank_finding(inspection_id, &code))
    }
}
