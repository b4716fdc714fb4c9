//! "Comments from the buddy trust": the reviewer's open doubts about the signed-in user's
//! evidence (challenged or insufficient), as the last pull brought them. Read from the device,
//! so they stay readable offline after one sync, and read again after every pull.

use domain::review::EvidenceComment;
use leptos::prelude::*;
use uuid::Uuid;

use crate::components::dates::date_time;
use crate::components::verdict::VerdictTag;
use crate::device::{OutboxTick, comments_copy_key, use_device};

/// The list, shown once the page runs (the device keeps it).
#[component]
pub fn ReviewComments(user_id: Uuid) -> impl IntoView {
    let device = use_device();
    let OutboxTick(tick) = expect_context::<OutboxTick>();
    let mounted = RwSignal::new(false);
    Effect::new(move |_| mounted.set(true));
    let comments = LocalResource::new(move || {
        tick.track();
        async move {
            device
                .copy_of(&comments_copy_key(user_id))
                .await
                .ok()
                .flatten()
                .and_then(|v| serde_json::from_value::<Vec<EvidenceComment>>(v).ok())
                .unwrap_or_default()
        }
    });
    move || {
        mounted.get().then(|| {
            view! {
                <Suspense fallback=|| ()>
                    {move || Suspend::new(async move {
                        let list = comments.await;
                        (!list.is_empty()).then(|| view! { <CommentList list /> })
                    })}
                </Suspense>
            }
        })
    }
}

#[component]
fn CommentList(list: Vec<EvidenceComment>) -> impl IntoView {
    view! {
        <section aria-labelledby="review-comments-heading" class="review-comments">
            <h2 id="review-comments-heading">"Comments from the buddy trust"</h2>
            <p>"The reviewer doubts this evidence. Until it is resolved it does not count in readiness."</p>
            <ul class="review-comments__list">
                {list.into_iter().map(|c| {
                    let when = date_time(&c.at.with_timezone(&chrono::Local));
                    view! {
                        <li class="inset inset--warning review-comment">
                            <p class="review-comment__head">
                                <strong>{c.unit_name}</strong> ", " {c.item_code}
                                <VerdictTag verdict=c.status />
                            </p>
                            {(!c.note.is_empty()).then(|| view! {
                                <p class="hint">"You wrote: " {c.note}</p>
                            })}
                            <p class="review-comment__text">{c.comment}</p>
                            <p class="hint">{c.by} ", " {when}</p>
                        </li>
                    }
                }).collect_view()}
            </ul>
        </section>
    }
}
