//! A finding's photos as thumbnails, each a link to the full photo: the same on the heatmap's
//! drill-down and the review queue.

use leptos::prelude::*;
use uuid::Uuid;

/// The thumbnails of `ids` (nothing when there are none); `alt` describes each photo.
#[component]
pub fn PhotoThumbs(ids: Vec<Uuid>, alt: String) -> impl IntoView {
    (!ids.is_empty()).then(|| {
        view! {
            <ul class="evidence-list__photos">
                {ids.into_iter().map(|id| view! {
                    <li>
                        <a href=format!("/api/v1/photos/{id}") target="_blank" rel="noopener">
                            <img src=format!("/api/v1/photos/{id}/thumbnail") alt=alt.clone() loading="lazy" width="96" height="96" />
                        </a>
                    </li>
                }).collect_view()}
            </ul>
        }
    })
}
