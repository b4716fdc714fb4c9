//! A finding's photos as thumbnails, each a link to the full photo: the same on the heatmap's
//! drill-down and the review queue. Where the page says the reader may remove photos (a trust
//! admin, [`MayGovernEvidence`]), each has a "Remove" link too.

use leptos::prelude::*;
use uuid::Uuid;

/// Put in context by a page whose reader (a trust admin) may remove the photos and redact the
/// notes it shows.
#[derive(Debug, Clone, Copy)]
pub struct MayGovernEvidence;

/// The thumbnails of `ids` (nothing when there are none); `alt` describes each photo.
#[component]
pub fn PhotoThumbs(ids: Vec<Uuid>, alt: String) -> impl IntoView {
    let removable = use_context::<MayGovernEvidence>().is_some();
    (!ids.is_empty()).then(|| {
        view! {
            <ul class="evidence-list__photos">
                {ids.into_iter().enumerate().map(|(n, id)| view! {
                    <li>
                        <a href=format!("/api/v1/photos/{id}") target="_blank" rel="noopener">
                            <img src=format!("/api/v1/photos/{id}/thumbnail") alt=alt.clone() loading="lazy" width="96" height="96" />
                        </a>
                        {removable.then(|| view! {
                            <a class="photo-remove" href=format!("/admin/photos/{id}")>
                                "Remove" <span class="visually-hidden">{format!(" photo {} ({alt})", n + 1)}</span>
                            </a>
                        })}
                    </li>
                }).collect_view()}
            </ul>
        }
    })
}
