//! "Comments from the buddy trust": the reviewer's open doubts about the signed-in user's
//! evidence (challenged or insufficient), as the last pull brought them, each with the user's
//! replies and a form to reply with words and new photos. Read from the device and written to
//! it, so both work offline after one sync; a reply goes with the next sync and puts the finding
//! back in the reviewer's queue.

use domain::review::{EvidenceComment, ReplyData, ReplyView};
use leptos::prelude::*;
use uuid::Uuid;

use crate::components::dates::date_time;
use crate::components::photo_thumbs::PhotoThumbs;
use crate::components::verdict::VerdictTag;
use crate::device::{
    DeviceError, OutboxTick, StoredPhoto, ThisDevice, WaitingReply, comments_copy_key, use_device,
};

/// A comment with the user's replies still on the device.
type Entry = (EvidenceComment, Vec<WaitingReply>);

/// The list, shown once the page runs (the device keeps it). Each comment stays on the page
/// until its verdict changes, so a sync in the background never wipes a reply being written.
#[component]
pub fn ReviewComments(user_id: Uuid) -> impl IntoView {
    let device = use_device();
    let OutboxTick(tick) = expect_context::<OutboxTick>();
    let entries = RwSignal::new(Vec::<Entry>::new());
    // Bumped once a pull brought the comments again.
    let pulled = RwSignal::new(0u32);
    let waiting_before = StoredValue::new(None::<usize>);
    // The comment whose reply was just saved, for its confirmation.
    let saved = RwSignal::new(None::<Uuid>);
    Effect::new(move |_| {
        tick.track();
        pulled.track();
        leptos::task::spawn_local(async move {
            let comments = device
                .copy_of(&comments_copy_key(user_id))
                .await
                .ok()
                .flatten()
                .and_then(|v| serde_json::from_value::<Vec<EvidenceComment>>(v).ok())
                .unwrap_or_default();
            let waiting = device.waiting_replies(user_id).await.unwrap_or_default();
            // A reply the server has taken leaves the outbox before the next pull lists it
            // with its comment: pull then, so it never looks lost.
            let before = waiting_before.get_value();
            waiting_before.set_value(Some(waiting.len()));
            if before.is_some_and(|n| waiting.len() < n) {
                leptos::task::spawn_local(async move {
                    if device.pull_copies(user_id).await.is_ok() {
                        pulled.update(|n| *n = n.wrapping_add(1));
                    }
                });
            }
            entries.set(
                comments
                    .into_iter()
                    .map(|c| {
                        let mine = waiting
                            .iter()
                            .filter(|w| w.reply.record_id == c.record_id)
                            .cloned()
                            .collect();
                        (c, mine)
                    })
                    .collect(),
            );
        });
    });
    view! {
        <Show when=move || !entries.read().is_empty()>
            <section aria-labelledby="review-comments-heading" class="review-comments">
                <h2 id="review-comments-heading">"Comments from the buddy trust"</h2>
                <p>"The reviewer doubts this evidence. Until it is resolved it does not count in readiness. Reply to explain, or add a new photo; the reviewer then looks again."</p>
                <ul class="review-comments__list">
                    <For
                        each=move || entries.with(|e| e.iter().map(|(c, _)| c.clone()).collect::<Vec<_>>())
                        key=|c| (c.id, c.status)
                        children=move |comment| {
                            let verdict = comment.id;
                            // The replies change under a comment without drawing it again, so
                            // a sync never wipes a reply being typed.
                            let replies = Memo::new(move |_| entries.with(|e| {
                                e.iter().find(|(c, _)| c.id == verdict).map(|(c, w)| (c.replies.clone(), w.clone()))
                            }).unwrap_or_default());
                            view! { <Comment comment replies user_id saved /> }
                        }
                    />
                </ul>
            </section>
        </Show>
    }
}

#[component]
fn Comment(
    comment: EvidenceComment,
    replies: Memo<(Vec<ReplyView>, Vec<WaitingReply>)>,
    user_id: Uuid,
    saved: RwSignal<Option<Uuid>>,
) -> impl IntoView {
    let when = date_time(&comment.at.with_timezone(&chrono::Local));
    let about = format!("{}, {}", comment.unit_name, comment.item_code);
    let form = ReplyTo {
        record_id: comment.record_id,
        inspection_id: comment.inspection_id,
        item_code: comment.item_code.clone(),
        about: about.clone(),
    };
    let label = format!("Your replies about {about}");
    view! {
        <li class="inset inset--warning review-comment">
            <p class="review-comment__head">
                <strong>{comment.unit_name}</strong> ", " {comment.item_code}
                <VerdictTag verdict=comment.status />
            </p>
            {(!comment.note.is_empty()).then(|| view! {
                <p class="hint">"You wrote: " {comment.note}</p>
            })}
            <p class="review-comment__text">{comment.comment}</p>
            <p class="hint">{comment.by} ", " {when}</p>
            {move || {
                let (sent, waiting) = replies.get();
                (!sent.is_empty() || !waiting.is_empty()).then(|| view! {
                    <ul class="review-comment__replies" aria-label=label.clone()>
                        {sent.into_iter().map(|r| view! { <SentReply reply=r /> }).collect_view()}
                        {waiting.into_iter().map(|w| view! { <WaitingReplyItem waiting=w /> }).collect_view()}
                    </ul>
                })
            }}
            <ReplyForm to=form user_id saved />
        </li>
    }
}

#[component]
fn SentReply(reply: ReplyView) -> impl IntoView {
    let when = date_time(&reply.at.with_timezone(&chrono::Local));
    view! {
        <li class="review-reply">
            <p class="review-reply__head"><strong>"Your reply"</strong> ", sent " {when}</p>
            {(!reply.note.is_empty()).then(|| view! { <p class="review-reply__text">{reply.note}</p> })}
            <PhotoThumbs ids=reply.photo_ids alt="Photo sent with your reply".to_owned() />
        </li>
    }
}

#[component]
fn WaitingReplyItem(waiting: WaitingReply) -> impl IntoView {
    let photos = waiting.reply.photo_ids.len();
    view! {
        <li class="review-reply">
            <p class="review-reply__head">
                <strong>"Your reply"</strong>
                {match waiting.refused {
                    Some(reason) => format!(", not sent: {reason}"),
                    None => ", waiting to sync".to_owned(),
                }}
            </p>
            {(!waiting.reply.note.is_empty()).then(|| view! {
                <p class="review-reply__text">{waiting.reply.note}</p>
            })}
            {(photos > 0).then(|| view! {
                <p class="hint">{if photos == 1 { "1 photo".to_owned() } else { format!("{photos} photos") }}</p>
            })}
        </li>
    }
}

/// What a reply form answers.
#[derive(Clone)]
struct ReplyTo {
    record_id: Uuid,
    inspection_id: Uuid,
    item_code: String,
    /// The ward and prompt, for labels.
    about: String,
}

/// The reply form: words, photos taken or chosen (kept here until "Send reply"), and the
/// error beside the field.
#[component]
fn ReplyForm(to: ReplyTo, user_id: Uuid, saved: RwSignal<Option<Uuid>>) -> impl IntoView {
    let device = use_device();
    let tick = expect_context::<OutboxTick>();
    let text = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    let record_id = to.record_id;
    let just_saved = move || saved.get() == Some(record_id);
    // Once saved, the confirmation takes focus, so a screen reader says so.
    let confirmation = NodeRef::<leptos::html::P>::new();
    Effect::new(move |_| {
        if saved.get() == Some(record_id)
            && let Some(p) = confirmation.get_untracked()
        {
            let _ = p.focus();
        }
    });
    // The photos' blobs stay in this page (they are not `Send`); the previews show them.
    let chosen = StoredValue::new_local(Vec::<StoredPhoto>::new());
    let previews = RwSignal::new(Vec::<(Uuid, String)>::new());
    let field_id = format!("reply-{}", to.record_id);
    let error_id = format!("{field_id}-error");
    let photo_id = format!("{field_id}-photo");
    let textarea = NodeRef::<leptos::html::Textarea>::new();
    let on_file = move |ev: leptos::ev::Event| {
        let input: leptos::web_sys::HtmlInputElement = event_target(&ev);
        add_photos(device, input, chosen, previews, busy, error);
    };
    let on_submit = {
        let to = to.clone();
        move |ev: leptos::ev::SubmitEvent| {
            ev.prevent_default();
            let reply = ReplyData {
                id: Uuid::now_v7(),
                record_id: to.record_id,
                inspection_id: to.inspection_id,
                note: text.get_untracked().trim().to_owned(),
                photo_ids: previews.with_untracked(|p| p.iter().map(|(id, _)| *id).collect()),
                written_at: chrono::Utc::now(),
            };
            if let Some(problem) = reply.problem() {
                error.set(Some(problem));
                saved.set(None);
                if let Some(field) = textarea.get_untracked() {
                    let _ = field.focus();
                }
                return;
            }
            busy.set(true);
            let item_code = to.item_code.clone();
            let photos = chosen.with_value(|c| c.clone());
            leptos::task::spawn_local(async move {
                match device
                    .send_reply(user_id, &reply, &item_code, &photos)
                    .await
                {
                    Ok(()) => {
                        text.set(String::new());
                        chosen.set_value(Vec::new());
                        for (_, url) in previews.get_untracked() {
                            let _ = leptos::web_sys::Url::revoke_object_url(&url);
                        }
                        previews.set(Vec::new());
                        error.set(None);
                        saved.set(Some(record_id));
                        tick.bump();
                    }
                    Err(e) => error.set(Some(e.to_string())),
                }
                busy.set(false);
            });
        }
    };
    view! {
        <form class="review-reply-form" on:submit=on_submit novalidate>
            <div class="form-group" class:form-group--error=move || error.get().is_some()>
                <label class="label" for=field_id.clone()>"Your reply"</label>
                {move || error.get().map(|m| view! {
                    <p class="error-message" id=error_id.clone()><span class="visually-hidden">"Error: "</span>{m}</p>
                })}
                <textarea class="input textarea" id=field_id rows="3" node_ref=textarea
                    aria-describedby=move || error.get().map(|_| format!("reply-{}-error", to.record_id))
                    prop:value=move || text.get()
                    on:input=move |ev| {
                        text.set(event_target_value(&ev));
                        // Writing another reply: the last one's confirmation has been read.
                        if saved.get_untracked() == Some(record_id) {
                            saved.set(None);
                        }
                    }></textarea>
            </div>
            <ul class="photos__list">
                {move || previews.get().into_iter().enumerate().map(|(n, (id, url))| view! {
                    <li class="photo">
                        <img src=url alt=format!("New photo {}", n + 1) />
                        <button type="button" class="button button--secondary"
                            on:click=move |_| forget_chosen(id, chosen, previews)>
                            "Remove photo" <span class="visually-hidden">{format!(" {}", n + 1)}</span>
                        </button>
                    </li>
                }).collect_view()}
            </ul>
            <label class="label" for=photo_id.clone()>"Add a photo"</label>
            <input type="file" class="file-input" id=photo_id accept="image/*" capture="environment"
                disabled=move || busy.get() on:change=on_file />
            {move || busy.get().then(|| view! { <p class="hint">"Saving…"</p> })}
            <p class="hint review-reply-form__saved" tabindex="-1" node_ref=confirmation aria-live="polite">
                {move || just_saved().then_some("Reply saved on this device. It goes to the buddy trust with the next sync.")}
            </p>
            <button type="submit" class="button" disabled=move || busy.get()>
                "Send reply" <span class="visually-hidden">{format!(" about {}", to.about)}</span>
            </button>
        </form>
    }
}

/// Downscales the chosen pictures (dropping their metadata) and keeps them for the reply.
fn add_photos(
    device: ThisDevice,
    input: leptos::web_sys::HtmlInputElement,
    chosen: StoredValue<Vec<StoredPhoto>, LocalStorage>,
    previews: RwSignal<Vec<(Uuid, String)>>,
    busy: RwSignal<bool>,
    error: RwSignal<Option<String>>,
) {
    let Some(files) = input.files() else { return };
    let files: Vec<_> = (0..files.length()).filter_map(|i| files.get(i)).collect();
    if files.is_empty() {
        return;
    }
    busy.set(true);
    leptos::task::spawn_local(async move {
        for file in files {
            let photo = async {
                let small = device.downscale(&file).await?;
                Ok::<_, DeviceError>(StoredPhoto {
                    id: Uuid::now_v7(),
                    blob: small.blob,
                    width: small.width,
                    height: small.height,
                })
            }
            .await;
            match photo {
                Ok(photo) => {
                    let url = device.object_url(&photo.blob).unwrap_or_default();
                    previews.update(|p| p.push((photo.id, url)));
                    chosen.update_value(|c| c.push(photo));
                    error.set(None);
                }
                Err(e) => error.set(Some(e.to_string())),
            }
        }
        input.set_value("");
        busy.set(false);
    });
}

/// Drops a photo chosen for the reply before it was sent.
fn forget_chosen(
    id: Uuid,
    chosen: StoredValue<Vec<StoredPhoto>, LocalStorage>,
    previews: RwSignal<Vec<(Uuid, String)>>,
) {
    chosen.update_value(|c| c.retain(|p| p.id != id));
    previews.update(|p| {
        p.retain(|(pid, url)| {
            if *pid == id {
                let _ = leptos::web_sys::Url::revoke_object_url(url);
            }
            *pid != id
        })
    });
}
