//! CPU-heavy work a request brings (unpacking a spreadsheet, decoding and re-encoding photos) runs on
//! the blocking pool, never on the async workers, and at most a few at a time — so however many
//! uploads arrive together, `/healthz` and every other page keep answering.

use std::{sync::Arc, time::Duration};

use axum::http::StatusCode;
use tokio::sync::Semaphore;

use crate::error::AppError;

#[derive(Clone)]
pub struct Heavy {
    slots: Arc<Semaphore>,
    wait: Duration,
}

impl Heavy {
    /// Half the cores (at least one), so that heavy work never takes every core.
    pub fn for_this_machine() -> Self {
        let cores = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(2);
        Self::new((cores / 2).max(1), Duration::from_secs(30))
    }

    pub fn new(slots: usize, wait: Duration) -> Self {
        Self { slots: Arc::new(Semaphore::new(slots)), wait }
    }

    /// Run `f` on the blocking pool once a slot is free; after waiting too long, answer 503 with a
    /// `Retry-After` instead of queueing without end.
    pub async fn run<T: Send + 'static>(&self, f: impl FnOnce() -> T + Send + 'static) -> Result<T, AppError> {
        let permit = tokio::time::timeout(self.wait, self.slots.clone().acquire_owned())
            .await
            .map_err(|_| {
                AppError::new(
                    StatusCode::SERVICE_UNAVAILABLE,
                    "busy",
                    "服务器正在处理其他上传，请稍后再试",
                    "The server is busy with other uploads; try again shortly",
                )
                .retry_after(10)
            })?
            .map_err(|e| AppError::internal(format!("heavy-work semaphore closed: {e}")))?;
        tokio::task::spawn_blocking(move || {
            let _slot = permit;
            f()
        })
        .await
        .map_err(|e| AppError::internal(format!("heavy work failed: {e}")))
    }
}
