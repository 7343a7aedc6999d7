//! A person's phone and ID number at rest: sealed (`vault`), masked for display, blind-indexed for
//! look-ups. The only full reads are `open_contact` (the audited reveal, the audited full export, the
//! person's own data). Start-up seals anything an older version left in plain text, and a key change
//! is checked before the server starts.

use crate::ids::*;
use sea_orm::ConnectionTrait;

use super::model::{mask_id, mask_phone};
use super::store::seal as store;
use crate::{
    error::AppError,
    vault::{Kind, Vault},
};

/// The columns one value becomes.
pub struct Sealed {
    pub masked: Option<String>,
    pub enc: Option<String>,
    pub hash: Option<String>,
}

impl Sealed {
    pub fn phone(v: &Vault, phone: Option<&str>) -> Self {
        Self {
            masked: phone.map(mask_phone),
            enc: phone.map(|p| v.seal(Kind::Phone, p)),
            hash: phone.map(|p| v.blind(Kind::Phone, p)),
        }
    }
    pub fn id_number(v: &Vault, id: Option<&str>) -> Self {
        Self {
            masked: id.map(mask_id),
            enc: id.map(|i| v.seal(Kind::IdNumber, i)),
            hash: id.map(|i| v.blind(Kind::IdNumber, i)),
        }
    }
}

/// The full phone and ID number of a person (callers check permission and write the audit entry).
pub async fn open_contact(
    conn: &impl ConnectionTrait,
    v: &Vault,
    person_id: PersonId,
) -> Result<(Option<String>, Option<String>), AppError> {
    let Some(r) = store::sealed_contact(conn, person_id).await? else {
        return Ok((None, None));
    };
    open_pair(v, r.phone_enc.as_deref(), r.id_number_enc.as_deref())
}

/// Open a sealed phone and ID number.
pub fn open_pair(
    v: &Vault,
    phone_enc: Option<&str>,
    id_enc: Option<&str>,
) -> Result<(Option<String>, Option<String>), AppError> {
    let open = |kind, s: Option<&str>| -> Result<Option<String>, AppError> {
        s.map(|s| v.open(kind, s).map_err(AppError::internal)).transpose()
    };
    Ok((open(Kind::Phone, phone_enc)?, open(Kind::IdNumber, id_enc)?))
}

const CHECK: &str = "xinghuo-vault-check";

/// Refuse to start with a keyring that cannot open what this database holds (a second instance with a
/// key file of its own, a lost key): better no server than one that seals with a key nobody else has.
pub async fn check_key(conn: &impl ConnectionTrait, v: &Vault) -> anyhow::Result<()> {
    let value = store::vault_check(conn, &v.seal(Kind::IdNumber, CHECK))
        .await
        .map_err(anyhow_err)?
        .ok_or_else(|| anyhow::anyhow!("vault check value missing"))?;
    match v.open(Kind::IdNumber, &value) {
        Ok(s) if s == CHECK => Ok(()),
        _ => anyhow::bail!(
            "数据密钥与数据库不符：请使用写入该数据库时的密钥（XINGHUO_DATA_KEYS 或 XINGHUO_DATA_KEY_FILE）/ \
             the data key does not match this database: every instance must use the same keyring"
        ),
    }
}

/// Seal what an older version stored in plain text, and clear the plain columns. Idempotent.
pub async fn seal_plaintext(conn: &impl sea_orm::TransactionTrait, v: &Vault) -> anyhow::Result<u64> {
    let mut done = 0u64;
    loop {
        let tx = conn.begin().await?;
        let rows = store::plaintext_batch(&tx).await.map_err(anyhow_err)?;
        if rows.is_empty() {
            tx.commit().await?;
            return Ok(done);
        }
        for r in &rows {
            let ph = Sealed::phone(v, r.phone.as_deref());
            let id = Sealed::id_number(v, r.id_number.as_deref());
            store::seal_row(&tx, r.id, &ph, &id).await.map_err(anyhow_err)?;
        }
        done += rows.len() as u64;
        tx.commit().await?;
    }
}

/// Key rotation: seal every value again under the current key and recompute the blind indexes (which
/// follow the current key). Run after adding a key to the ring; older keys may then be removed.
pub async fn reencrypt(conn: &(impl sea_orm::TransactionTrait + ConnectionTrait), v: &Vault) -> anyhow::Result<u64> {
    let mut after = 0i64;
    let mut done = 0u64;
    loop {
        let tx = conn.begin().await?;
        let rows = store::sealed_batch(&tx, after).await.map_err(anyhow_err)?;
        let Some(last) = rows.last() else {
            tx.commit().await?;
            break;
        };
        after = last.id;
        for r in &rows {
            let (phone, idn) = open_pair(v, r.phone_enc.as_deref(), r.id_number_enc.as_deref())
                .map_err(|_| anyhow::anyhow!("person {}: a sealed value opens with no key in the ring", r.id))?;
            let ph = Sealed::phone(v, phone.as_deref());
            let id = Sealed::id_number(v, idn.as_deref());
            store::reseal_row(&tx, r.id, &ph, &id).await.map_err(anyhow_err)?;
        }
        done += rows.len() as u64;
        tx.commit().await?;
    }
    store::set_vault_check(conn, &v.seal(Kind::IdNumber, CHECK)).await.map_err(anyhow_err)?;
    Ok(done)
}

/// A store error where the caller speaks `anyhow` (start-up and the `data-keys` command).
fn anyhow_err(e: AppError) -> anyhow::Error {
    anyhow::anyhow!("{}: {}", e.code, e.en)
}
