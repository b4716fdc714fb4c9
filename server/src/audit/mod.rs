//! The audit trail: every change of state written to an append-only log in the same
//! transaction as the change, hash-chained per trust ([`chain`]) and checkpointed outside the
//! database ([`checkpoint`]), so an edited, deleted or reordered entry, a cut end or a
//! rewritten chain is found by `readyward audit verify`.

pub mod browse;
pub mod chain;
pub mod checkpoint;

use chrono::{DateTime, Utc};
use uuid::Uuid;

use crate::store::audit::{AuditStore, NewEntry};
use crate::store::{Db, StoreError, Tx};
use chain::Break;
use checkpoint::{CheckpointError, Checkpoints};

/// Writes one entry on `tx` (the change's own transaction): `before` and `after` are the
/// record as it was and as it is (`null` where there was none).
#[allow(clippy::too_many_arguments)]
pub async fn record(
    tx: &Tx,
    trust_id: Uuid,
    at: DateTime<Utc>,
    actor_id: Option<Uuid>,
    action: &str,
    subject_id: Option<Uuid>,
    before: serde_json::Value,
    after: serde_json::Value,
) -> Result<(), StoreError> {
    let content = serde_json::json!({"before": before, "after": after});
    tx.append_audit(&NewEntry {
        trust_id,
        at,
        actor_id,
        action,
        subject_id,
        content: &content,
    })
    .await?;
    Ok(())
}

/// What verifying one trust's chain found.
#[derive(Debug)]
pub struct Verified {
    pub trust_id: Uuid,
    /// Entries checked, or the first break.
    pub outcome: Result<i64, Break>,
}

/// Why verification could not run at all.
#[derive(Debug, thiserror::Error)]
pub enum VerifyError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Checkpoint(#[from] CheckpointError),
}

/// Verifies the chain of each trust given (every trust with a chain when `None`) against
/// itself and the checkpoints.
pub async fn verify<D: Db + ?Sized>(
    db: &D,
    checkpoints: &Checkpoints,
    trust: Option<Uuid>,
) -> Result<Vec<Verified>, VerifyError> {
    let trusts = match trust {
        Some(t) => vec![t],
        None => db.audit_trusts().await?,
    };
    let mut found = Vec::new();
    for trust_id in trusts {
        let heads = checkpoints.heads(trust_id)?;
        let entries = db.audit_entries(trust_id, 1, i64::MAX).await?;
        found.push(Verified {
            trust_id,
            outcome: chain::verify(&entries, &heads),
        });
    }
    Ok(found)
}

/// Checkpoints the head of every chain now.
pub async fn checkpoint<D: Db + ?Sized>(
    db: &D,
    checkpoints: &Checkpoints,
    at: DateTime<Utc>,
) -> Result<usize, VerifyError> {
    let mut heads = Vec::new();
    for trust in db.audit_trusts().await? {
        if let Some((seq, hash)) = db.audit_head(trust).await? {
            heads.push((trust, seq, hash));
        }
    }
    Ok(checkpoints.write(&heads, at)?.len())
}

/// Checkpoints every chain when the server starts and then once a day while it runs.
pub async fn checkpoint_daily(
    store: crate::store::Store,
    checkpoints: Checkpoints,
    clock: std::sync::Arc<dyn crate::clock::Clock>,
) {
    let mut every = tokio::time::interval(std::time::Duration::from_secs(24 * 60 * 60));
    loop {
        every.tick().await;
        match checkpoint(&store, &checkpoints, clock.now()).await {
            Ok(n) => tracing::info!(chains = n, "audit checkpoint written"),
            Err(e) => tracing::error!(error = %e, "audit checkpoint failed"),
        }
    }
}
