//! The buddy trust's verdict on an item of evidence, as a tag: the same words and colours on
//! the review queue, the heatmap's drill-down and the inspector's own pages.

use domain::review::Verdict;
use leptos::prelude::*;

/// A tag naming the verdict; doubted evidence says it is not counted.
#[component]
pub fn VerdictTag(verdict: Verdict) -> impl IntoView {
    let class = match verdict {
        Verdict::Unreviewed => "tag tag--grey",
        Verdict::Verified => "tag tag--green",
        Verdict::Challenged | Verdict::Insufficient => "tag tag--red",
    };
    let words = if verdict.counts() {
        verdict.label().to_owned()
    } else {
        format!("{}: not counted", verdict.label())
    };
    view! { <strong class=class>{words}</strong> }
}
