//! Readiness evidence: each value a finding or rating has had, as readiness counts it, written
//! in the push's own transaction (so scores move with the sync that changes them, on every
//! server sharing the database) and read back grouped, as it stood at the end of a day.
//!
//! A row holds the response or rating code, not points: the rules file turns codes into
//! points when readiness is read, so a new rules version needs no rewrite.

use async_trait::async_trait;
use chrono::{DateTime, NaiveDate, Utc};
use domain::inspection::Response;
use domain::readiness::london::london_date;
use domain::sync::judge::{Change, Held, Pusher};
use uuid::Uuid;

use super::StoreError;
use super::db::{Db, Tx, run};
use super::sync::{ROWS_PER_STATEMENT, latest_per_record, placeholders, rated_trust};

/// Alike evidence of one ward (or the trust), grouped: the engine weighs a group by its size.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct EvidenceGroup {
    /// `None` for a rating of the trust as a whole.
    pub unit_id: Option<Uuid>,
    /// `mini_inspection`, `self_assessment` or `peer_review`.
    pub source: String,
    /// `finding` or `rating`.
    pub kind: String,
    /// What it is about: a prompt (findings) or a KLOE or quality statement (ratings).
    pub subject: String,
    /// A response code (`met`) or a rating code (`good`).
    pub value: String,
    pub on_date: NaiveDate,
    pub recorded_on: NaiveDate,
    /// The buddy trust's verdict (`unreviewed` until one is given).
    pub verdict: String,
    /// Recorded by one of the assessors named as poorly calibrated.
    pub doubtful: bool,
    pub count: i64,
}

/// One piece of a ward's evidence with what it says: a finding's note and photos, a rating's
/// justification and author (as they stand now).
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct EvidenceDetail {
    /// The finding's or rating's id.
    pub record_id: Uuid,
    /// The inspection a finding belongs to; `None` for a rating.
    pub inspection_id: Option<Uuid>,
    pub source: String,
    pub kind: String,
    pub subject: String,
    pub value: String,
    pub on_date: NaiveDate,
    pub recorded_on: NaiveDate,
    /// The buddy trust's verdict (`unreviewed` until one is given).
    pub verdict: String,
    pub note: Option<String>,
    /// Whether a trust admin redacted the note.
    pub note_redacted: bool,
    /// A JSON array of ids.
    pub photo_ids: Option<String>,
    pub justification: Option<String>,
    pub author: Option<String>,
}

/// An enforcement notice as kept.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct NoticeRecord {
    pub id: Uuid,
    pub trust_id: Uuid,
    pub core_service_id: Uuid,
    pub key_question: String,
    /// `requirement_notice` or `warning_notice`.
    pub enforcement: String,
    pub recorded_on: NaiveDate,
    pub lifted_on: Option<NaiveDate>,
}

/// A published CQC rating as kept.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct PublishedRecord {
    pub id: Uuid,
    pub trust_id: Uuid,
    pub core_service_id: Uuid,
    pub key_question: String,
    pub rating: String,
    pub report_date: NaiveDate,
}

/// Reading readiness evidence; enforcement and published ratings.
#[async_trait]
pub trait ReadinessStore {
    /// A trust's evidence as it stood at the end of `as_at` (England), grouped.
    async fn evidence_of_trust(
        &self,
        trust_id: Uuid,
        as_at: NaiveDate,
        doubted: &[Uuid],
    ) -> Result<Vec<EvidenceGroup>, StoreError>;
    /// One ward's evidence (or, with `unit_id` `None`, the trust's own) as it stood at the
    /// end of `as_at`, grouped.
    async fn evidence_of_scope(
        &self,
        trust_id: Uuid,
        unit_id: Option<Uuid>,
        as_at: NaiveDate,
        doubted: &[Uuid],
    ) -> Result<Vec<EvidenceGroup>, StoreError>;
    /// A ward's evidence as it stood at the end of `as_at`, one row per finding or rating,
    /// with what each says.
    async fn evidence_detail(
        &self,
        unit_id: Uuid,
        as_at: NaiveDate,
    ) -> Result<Vec<EvidenceDetail>, StoreError>;
    /// The change counter of each ward of the trust whose readiness ever changed, and of the
    /// trust itself (its id), which moves with its trust-level ratings, notices and published
    /// ratings.
    async fn readiness_versions(&self, trust_id: Uuid) -> Result<Vec<(Uuid, i64)>, StoreError>;
    /// The trust's epoch: moved whenever any of the counters above moves or a ward is added,
    /// so an answer kept at an epoch holds until it moves. 0 for a trust never changed.
    async fn readiness_epoch(&self, trust_id: Uuid) -> Result<i64, StoreError>;
    /// When `assessor` is paired for calibration in the trust, moves every readiness counter
    /// of the trust: their agreement, which weighs their evidence on every ward, may have
    /// changed (an inspection of theirs finished or reopened). Call it on a transaction.
    async fn calibration_may_move(&self, trust_id: Uuid, assessor: Uuid) -> Result<(), StoreError>;
    /// A trust's notices, lifted ones too, oldest first.
    async fn notices_of_trust(&self, trust_id: Uuid) -> Result<Vec<NoticeRecord>, StoreError>;
    /// Records a notice (`recorded_by` is the admin) and moves the trust's readiness counter:
    /// call it on a transaction.
    async fn record_notice(
        &self,
        notice: &NoticeRecord,
        recorded_by: Uuid,
    ) -> Result<(), StoreError>;
    /// Lifts a notice of the trust on `on`; `NotFound` when it is not the trust's or was lifted.
    /// Moves the trust's readiness counter: call it on a transaction.
    async fn lift_notice(&self, trust_id: Uuid, id: Uuid, on: NaiveDate) -> Result<(), StoreError>;
    /// A trust's published ratings, newest report first.
    async fn published_of_trust(&self, trust_id: Uuid) -> Result<Vec<PublishedRecord>, StoreError>;
    /// Records a published rating and moves the trust's readiness counter: call it on a
    /// transaction.
    async fn record_published(
        &self,
        rating: &PublishedRecord,
        recorded_by: Uuid,
    ) -> Result<(), StoreError>;
}

#[async_trait]
impl<T: Db + ?Sized> ReadinessStore for T {
    async fn evidence_of_trust(
        &self,
        trust_id: Uuid,
        as_at: NaiveDate,
        doubted: &[Uuid],
    ) -> Result<Vec<EvidenceGroup>, StoreError> {
        let sql = format!(
            "SELECT unit_id, source, kind, subject, value, on_date, recorded_on, verdict, \
             {doubtful} AS doubtful, COUNT(*) AS count FROM readiness_evidence \
             WHERE trust_id = $1 AND recorded_on <= $2 \
             AND (superseded_on IS NULL OR superseded_on > $2) \
             GROUP BY unit_id, source, kind, subject, value, on_date, recorded_on, verdict\
             {grouped} ORDER BY MIN(seq)",
            doubtful = doubtful_of(3, doubted.len()),
            grouped = grouped_by_doubt(doubted.len())
        );
        Ok(run!(self, |c| {
            let mut q = sqlx::query_as(&sql).bind(trust_id).bind(as_at);
            for id in doubted {
                q = q.bind(*id);
            }
            q.fetch_all(&mut *c).await?
        }))
    }

    async fn evidence_of_scope(
        &self,
        trust_id: Uuid,
        unit_id: Option<Uuid>,
        as_at: NaiveDate,
        doubted: &[Uuid],
    ) -> Result<Vec<EvidenceGroup>, StoreError> {
        let scope = if unit_id.is_some() {
            "unit_id = $3"
        } else {
            "unit_id IS NULL AND $3 IS NULL"
        };
        let sql = format!(
            "SELECT unit_id, source, kind, subject, value, on_date, recorded_on, verdict, \
             {doubtful} AS doubtful, COUNT(*) AS count FROM readiness_evidence \
             WHERE trust_id = $1 AND {scope} AND recorded_on <= $2 \
             AND (superseded_on IS NULL OR superseded_on > $2) \
             GROUP BY unit_id, source, kind, subject, value, on_date, recorded_on, verdict\
             {grouped} ORDER BY MIN(seq)",
            doubtful = doubtful_of(4, doubted.len()),
            grouped = grouped_by_doubt(doubted.len())
        );
        Ok(run!(self, |c| {
            let mut q = sqlx::query_as(&sql)
                .bind(trust_id)
                .bind(as_at)
                .bind(unit_id);
            for id in doubted {
                q = q.bind(*id);
            }
            q.fetch_all(&mut *c).await?
        }))
    }

    async fn calibration_may_move(&self, trust_id: Uuid, assessor: Uuid) -> Result<(), StoreError> {
        let paired: Option<(Uuid,)> = run!(self, |c| sqlx::query_as(
            "SELECT id FROM calibration_pairs WHERE trust_id = $1 \
             AND (first_user_id = $2 OR second_user_id = $2) LIMIT 1"
        )
        .bind(trust_id)
        .bind(assessor)
        .fetch_optional(&mut *c)
        .await?);
        if paired.is_none() {
            return Ok(());
        }
        let wards: Vec<(Uuid,)> = run!(self, |c| sqlx::query_as(
            "SELECT id FROM units WHERE trust_id = $1"
        )
        .bind(trust_id)
        .fetch_all(&mut *c)
        .await?);
        let mut scopes: Vec<(Uuid, Uuid)> = wards.into_iter().map(|(w,)| (w, trust_id)).collect();
        scopes.push((trust_id, trust_id));
        bump_scopes(self, &scopes).await
    }

    async fn evidence_detail(
        &self,
        unit_id: Uuid,
        as_at: NaiveDate,
    ) -> Result<Vec<EvidenceDetail>, StoreError> {
        Ok(run!(self, |c| sqlx::query_as(
            "SELECT e.record_id, f.inspection_id, e.source, e.kind, e.subject, e.value, \
             e.on_date, e.recorded_on, e.verdict, f.note, \
             (n.record_id IS NOT NULL) AS note_redacted, \
             f.photo_ids, r.justification, u.name AS author FROM readiness_evidence e \
             LEFT JOIN findings f ON e.kind = 'finding' AND f.id = e.record_id \
             LEFT JOIN note_redactions n ON n.record_id = e.record_id \
             LEFT JOIN ratings r ON e.kind = 'rating' AND r.id = e.record_id \
             LEFT JOIN users u ON u.id = r.user_id \
             WHERE e.unit_id = $1 AND e.recorded_on <= $2 \
             AND (e.superseded_on IS NULL OR e.superseded_on > $2) \
             ORDER BY e.on_date DESC, e.seq DESC"
        )
        .bind(unit_id)
        .bind(as_at)
        .fetch_all(&mut *c)
        .await?))
    }

    async fn readiness_versions(&self, trust_id: Uuid) -> Result<Vec<(Uuid, i64)>, StoreError> {
        Ok(run!(self, |c| sqlx::query_as(
            "SELECT scope_id, version FROM readiness_versions WHERE trust_id = $1"
        )
        .bind(trust_id)
        .fetch_all(&mut *c)
        .await?))
    }

    async fn readiness_epoch(&self, trust_id: Uuid) -> Result<i64, StoreError> {
        let epoch: Option<i64> = run!(self, |c| sqlx::query_scalar(
            "SELECT epoch FROM readiness_epochs WHERE trust_id = $1"
        )
        .bind(trust_id)
        .fetch_optional(&mut *c)
        .await?);
        Ok(epoch.unwrap_or(0))
    }

    async fn notices_of_trust(&self, trust_id: Uuid) -> Result<Vec<NoticeRecord>, StoreError> {
        Ok(run!(self, |c| sqlx::query_as(
            "SELECT id, trust_id, core_service_id, key_question, enforcement, recorded_on, \
             lifted_on FROM enforcement_notices WHERE trust_id = $1 ORDER BY recorded_on, id"
        )
        .bind(trust_id)
        .fetch_all(&mut *c)
        .await?))
    }

    async fn record_notice(&self, n: &NoticeRecord, recorded_by: Uuid) -> Result<(), StoreError> {
        run!(self, |c| sqlx::query(
            "INSERT INTO enforcement_notices (id, trust_id, core_service_id, key_question, \
             enforcement, recorded_on, recorded_by, lifted_on) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, NULL)"
        )
        .bind(n.id)
        .bind(n.trust_id)
        .bind(n.core_service_id)
        .bind(&n.key_question)
        .bind(&n.enforcement)
        .bind(n.recorded_on)
        .bind(recorded_by)
        .execute(&mut *c)
        .await?
        .rows_affected());
        bump_scopes(self, &[(n.trust_id, n.trust_id)]).await
    }

    async fn lift_notice(&self, trust_id: Uuid, id: Uuid, on: NaiveDate) -> Result<(), StoreError> {
        let done = run!(self, |c| sqlx::query(
            "UPDATE enforcement_notices SET lifted_on = $1 \
             WHERE id = $2 AND trust_id = $3 AND lifted_on IS NULL"
        )
        .bind(on)
        .bind(id)
        .bind(trust_id)
        .execute(&mut *c)
        .await?
        .rows_affected());
        super::found(done)?;
        bump_scopes(self, &[(trust_id, trust_id)]).await
    }

    async fn published_of_trust(&self, trust_id: Uuid) -> Result<Vec<PublishedRecord>, StoreError> {
        Ok(run!(self, |c| sqlx::query_as(
            "SELECT id, trust_id, core_service_id, key_question, rating, report_date \
             FROM published_ratings WHERE trust_id = $1 ORDER BY report_date DESC, id"
        )
        .bind(trust_id)
        .fetch_all(&mut *c)
        .await?))
    }

    async fn record_published(
        &self,
        p: &PublishedRecord,
        recorded_by: Uuid,
    ) -> Result<(), StoreError> {
        run!(self, |c| sqlx::query(
            "INSERT INTO published_ratings (id, trust_id, core_service_id, key_question, rating, \
             report_date, recorded_by) VALUES ($1, $2, $3, $4, $5, $6, $7)"
        )
        .bind(p.id)
        .bind(p.trust_id)
        .bind(p.core_service_id)
        .bind(&p.key_question)
        .bind(&p.rating)
        .bind(p.report_date)
        .bind(recorded_by)
        .execute(&mut *c)
        .await?
        .rows_affected());
        bump_scopes(self, &[(p.trust_id, p.trust_id)]).await
    }
}

/// One evidence row to write.
struct Row<'a> {
    record_id: Uuid,
    trust_id: Uuid,
    unit_id: Option<Uuid>,
    source: &'a str,
    kind: &'a str,
    subject: String,
    value: &'a str,
    on_date: NaiveDate,
}

/// Writes the evidence of a push's applied changes, inside its transaction: the earlier value
/// of each changed record is superseded today, the new one added if it counts (an answer of
/// not applicable, or none yet, does not), and the findings of an inspection moved to another
/// ward move with it.
pub(super) async fn record_evidence(
    tx: &Tx,
    pusher: &Pusher,
    held: &Held<'_>,
    changes: &[&Change],
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    let today = london_date(now);
    let mut inspections: Vec<Uuid> = changes
        .iter()
        .filter_map(|c| match c {
            Change::Inspection(d) => Some(d.id),
            _ => None,
        })
        .collect();
    inspections.sort_unstable();
    inspections.dedup();
    // A moved inspection changes the ward it left and the ward it joined.
    // A moved inspection changes the ward it left and the ward it joined; an upsert that
    // moves nothing changes neither.
    let of_findings = |n: usize| {
        format!(
            "kind = 'finding' AND record_id IN (SELECT id FROM findings WHERE inspection_id IN ({}))",
            placeholders(1, n)
        )
    };
    let elsewhere = "unit_id <> (SELECT i.unit_id FROM findings f \
                     JOIN inspections i ON i.id = f.inspection_id \
                     WHERE f.id = readiness_evidence.record_id)";
    for chunk in inspections.chunks(ROWS_PER_STATEMENT) {
        let left = format!("{} AND {elsewhere}", of_findings(chunk.len()));
        if bump_current(tx, &left, chunk).await? == 0 {
            continue;
        }
        let sql = format!(
            "UPDATE readiness_evidence SET unit_id = (SELECT i.unit_id FROM findings f \
             JOIN inspections i ON i.id = f.inspection_id \
             WHERE f.id = readiness_evidence.record_id) \
             WHERE superseded_on IS NULL AND {} AND {elsewhere}",
            of_findings(chunk.len())
        );
        run!(tx, |c| {
            let mut q = sqlx::query(&sql);
            for id in chunk {
                q = q.bind(*id);
            }
            q.execute(&mut *c).await?.rows_affected()
        });
        bump_current(tx, &of_findings(chunk.len()), chunk).await?;
    }

    let latest = latest_per_record(
        changes
            .iter()
            .copied()
            .filter(|c| matches!(c, Change::Finding(_) | Change::Assessment(..))),
    );
    if latest.is_empty() {
        return Ok(());
    }
    for chunk in latest.chunks(ROWS_PER_STATEMENT) {
        // The wards whose values are about to be superseded change, whatever replaces them.
        let ids: Vec<Uuid> = chunk.iter().map(|c| c.record_id()).collect();
        bump_current(
            tx,
            &format!("record_id IN ({})", placeholders(1, ids.len())),
            &ids,
        )
        .await?;
        let sql = format!(
            "UPDATE readiness_evidence SET superseded_on = $1 \
             WHERE superseded_on IS NULL AND record_id IN ({})",
            placeholders(2, chunk.len())
        );
        run!(tx, |c| {
            let mut q = sqlx::query(&sql).bind(today);
            for change in chunk {
                q = q.bind(change.record_id());
            }
            q.execute(&mut *c).await?.rows_affected()
        });
    }

    let wards = wards_of_inspections(tx, &latest).await?;
    // Only an inspection's owner pushes its findings: a buddy reviewer's are the independent
    // source, never the trust's own mini-inspection.
    let finding_source = if pusher.role == domain::Role::BuddyReviewer {
        "peer_review"
    } else {
        "mini_inspection"
    };
    let rows: Vec<Row<'_>> = latest
        .iter()
        .filter_map(|change| match change {
            Change::Finding(f) => {
                let response = f.response.filter(|r| {
                    matches!(r, Response::Met | Response::PartiallyMet | Response::NotMet)
                })?;
                let (trust_id, unit_id) = wards.get(&f.inspection_id)?;
                Some(Row {
                    record_id: f.id,
                    trust_id: *trust_id,
                    unit_id: Some(*unit_id),
                    source: finding_source,
                    kind: "finding",
                    // The prompt itself: the crosswalk may place a prompt more finely
                    // than its KLOE.
                    subject: f.item_code.to_string(),
                    value: response.as_str(),
                    on_date: london_date(f.observed_at),
                })
            }
            Change::Assessment(source, a) => Some(Row {
                record_id: a.id,
                trust_id: rated_trust(held, a)?,
                unit_id: a.unit_id,
                source: source.as_str(),
                kind: "rating",
                subject: a.item_code.to_string(),
                value: a.rating.as_str(),
                on_date: a.evidence_date,
            }),
            _ => None,
        })
        .collect();
    for chunk in rows.chunks(ROWS_PER_STATEMENT) {
        run!(tx, |c| {
            let mut q = sqlx::QueryBuilder::new(
                "INSERT INTO readiness_evidence (record_id, trust_id, unit_id, source, kind, \
                 subject, value, on_date, recorded_on, assessor_id) ",
            );
            q.push_values(chunk, |mut b, row| {
                b.push_bind(row.record_id)
                    .push_bind(row.trust_id)
                    .push_bind(row.unit_id)
                    .push_bind(row.source)
                    .push_bind(row.kind)
                    .push_bind(&row.subject)
                    .push_bind(row.value)
                    .push_bind(row.on_date)
                    .push_bind(today)
                    // Only a finding's owner pushes it, and only its author a rating.
                    .push_bind(pusher.user_id);
            });
            q.build().execute(&mut *c).await?.rows_affected()
        });
    }
    let mut scopes: Vec<(Uuid, Uuid)> = rows
        .iter()
        .map(|r| (r.unit_id.unwrap_or(r.trust_id), r.trust_id))
        .collect();
    scopes.sort_unstable();
    scopes.dedup();
    bump_scopes(tx, &scopes).await
}

/// Gives a record's current evidence row a new verdict: a copy with the verdict is added as
/// recorded today and the old row superseded today, and its ward's counter moves. Nothing
/// happens to a record readiness does not count now.
pub(super) async fn reverdict<D: Db + ?Sized>(
    db: &D,
    trust_id: Uuid,
    record_id: Uuid,
    verdict: &str,
    today: NaiveDate,
) -> Result<(), StoreError> {
    let current: Option<(i64, Option<Uuid>)> = run!(db, |c| sqlx::query_as(
        "SELECT seq, unit_id FROM readiness_evidence \
         WHERE superseded_on IS NULL AND record_id = $1 AND trust_id = $2"
    )
    .bind(record_id)
    .bind(trust_id)
    .fetch_optional(&mut *c)
    .await?);
    let Some((seq, unit_id)) = current else {
        return Ok(());
    };
    // Superseded first, and only if still current: of two verdicts given at once, the second
    // finds the row gone (PostgreSQL re-checks it once the first commits) and is refused.
    let superseded = run!(db, |c| sqlx::query(
        "UPDATE readiness_evidence SET superseded_on = $1 \
         WHERE seq = $2 AND superseded_on IS NULL"
    )
    .bind(today)
    .bind(seq)
    .execute(&mut *c)
    .await?
    .rows_affected());
    if superseded == 0 {
        return Err(StoreError::Conflict(
            "Another verdict on this evidence was given at the same moment: look again".to_owned(),
        ));
    }
    run!(db, |c| sqlx::query(
        "INSERT INTO readiness_evidence (record_id, trust_id, unit_id, source, kind, subject, \
         value, on_date, recorded_on, verdict, assessor_id) SELECT record_id, trust_id, \
         unit_id, source, kind, subject, value, on_date, $1, $2, assessor_id \
         FROM readiness_evidence WHERE seq = $3"
    )
    .bind(today)
    .bind(verdict)
    .bind(seq)
    .execute(&mut *c)
    .await?
    .rows_affected());
    bump_scopes(db, &[(unit_id.unwrap_or(trust_id), trust_id)]).await
}

/// Whether a row's assessor is one of `n` doubted ones bound from `$from`, as SQL (grouped by
/// only when there are any: see [`grouped_by_doubt`]).
fn doubtful_of(from: usize, n: usize) -> String {
    if n == 0 {
        "FALSE".to_owned()
    } else {
        // NULL for evidence recorded before assessors were kept: not doubted.
        format!(
            "CASE WHEN assessor_id IN ({}) THEN TRUE ELSE FALSE END",
            placeholders(from, n)
        )
    }
}

/// The doubt as a grouping column, when any assessor is doubted.
fn grouped_by_doubt(n: usize) -> &'static str {
    if n == 0 { "" } else { ", doubtful" }
}

/// Moves the readiness counter of each (scope, trust): a ward's id, or the trust's own for its
/// trust-level evidence. In a fixed order, so concurrent pushes lock the rows alike.
async fn bump_scopes<D: Db + ?Sized>(db: &D, scopes: &[(Uuid, Uuid)]) -> Result<(), StoreError> {
    let mut scopes = scopes.to_vec();
    scopes.sort_unstable();
    scopes.dedup();
    for chunk in scopes.chunks(ROWS_PER_STATEMENT) {
        run!(db, |c| {
            let mut q = sqlx::QueryBuilder::new(
                "INSERT INTO readiness_versions (scope_id, trust_id, version) ",
            );
            q.push_values(chunk, |mut b, (scope, trust)| {
                b.push_bind(*scope).push_bind(*trust).push_bind(1_i64);
            });
            q.push(
                " ON CONFLICT (scope_id) DO UPDATE SET version = readiness_versions.version + 1",
            );
            q.build().execute(&mut *c).await?.rows_affected()
        });
    }
    let mut trusts: Vec<Uuid> = scopes.iter().map(|(_, trust)| *trust).collect();
    trusts.sort_unstable();
    trusts.dedup();
    for trust in trusts {
        bump_epoch(db, trust).await?;
    }
    Ok(())
}

/// Moves the trust's readiness epoch (see `readiness_epoch`).
pub(super) async fn bump_epoch<D: Db + ?Sized>(db: &D, trust: Uuid) -> Result<(), StoreError> {
    run!(db, |c| {
        sqlx::query(
        "INSERT INTO readiness_epochs (trust_id, epoch) VALUES ($1, 1)          ON CONFLICT (trust_id) DO UPDATE SET epoch = readiness_epochs.epoch + 1"
    )
    .bind(trust)
    .execute(&mut *c)
    .await?
    .rows_affected()
    });
    Ok(())
}

/// Moves the counters of the scopes of the current evidence rows matching `filter`, whose
/// placeholders from `$1` take `ids`; returns how many scopes moved.
async fn bump_current(tx: &Tx, filter: &str, ids: &[Uuid]) -> Result<usize, StoreError> {
    let sql = format!(
        "SELECT DISTINCT COALESCE(unit_id, trust_id), trust_id FROM readiness_evidence \
         WHERE superseded_on IS NULL AND {filter}"
    );
    let scopes: Vec<(Uuid, Uuid)> = run!(tx, |c| {
        let mut q = sqlx::query_as(&sql);
        for id in ids {
            q = q.bind(*id);
        }
        q.fetch_all(&mut *c).await?
    });
    bump_scopes(tx, &scopes).await?;
    Ok(scopes.len())
}

/// The trust and ward of each inspection the findings among `changes` belong to.
async fn wards_of_inspections(
    tx: &Tx,
    changes: &[&Change],
) -> Result<std::collections::HashMap<Uuid, (Uuid, Uuid)>, StoreError> {
    let mut ids: Vec<Uuid> = changes
        .iter()
        .filter_map(|c| match c {
            Change::Finding(f) => Some(f.inspection_id),
            _ => None,
        })
        .collect();
    ids.sort_unstable();
    ids.dedup();
    let mut wards = std::collections::HashMap::new();
    for chunk in ids.chunks(ROWS_PER_STATEMENT) {
        let sql = format!(
            "SELECT id, trust_id, unit_id FROM inspections WHERE id IN ({})",
            placeholders(1, chunk.len())
        );
        let rows: Vec<(Uuid, Uuid, Uuid)> = run!(tx, |c| {
            let mut q = sqlx::query_as(&sql);
            for id in chunk {
                q = q.bind(*id);
            }
            q.fetch_all(&mut *c).await?
        });
        wards.extend(
            rows.into_iter()
                .map(|(id, trust, unit)| (id, (trust, unit))),
        );
    }
    Ok(wards)
}
