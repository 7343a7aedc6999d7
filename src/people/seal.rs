//! A person's phone and ID number at rest: sealed (`vault`), masked for display, blind-indexed for
//! look-ups. The only full reads are `open_contact` (the audited reveal, the audited full export, the
//! person's own data). Start-up seals anything an older version left in plain text, and a key change
//! is checked before the server starts.

use sea_orm::{ConnectionTrait, FromQueryResult};

use super::model::{mask_id, mask_phone};
use crate::{
    db,
    error::AppError,
    params,
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

#[derive(FromQueryResult)]
struct EncRow {
    phone_enc: Option<String>,
    id_number_enc: Option<String>,
}

/// The full phone and ID number of a person (callers check permission and write the audit entry).
pub async fn open_contact(
    conn: &impl ConnectionTrait,
    v: &Vault,
    person_id: i64,
) -> Result<(Option<String>, Option<String>), AppError> {
    let Some(r) =
        db::one::<EncRow>(conn, "SELECT phone_enc, id_number_enc FROM persons WHERE id = $1", params![person_id])
            .await?
    else {
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

#[derive(FromQueryResult)]
struct SecretRow {
    value: String,
}

/// Refuse to start with a keyring that cannot open what this database holds (a second instance with a
/// key file of its own, a lost key): better no server than one that seals with a key nobody else has.
pub async fn check_key(conn: &impl ConnectionTrait, v: &Vault) -> anyhow::Result<()> {
    db::exec(
        conn,
        "INSERT INTO app_secrets (name, value) VALUES ('vault_check', $1) ON CONFLICT (name) DO NOTHING",
        params![v.seal(Kind::IdNumber, CHECK)],
    )
    .await?;
    let row = db::one::<SecretRow>(conn, "SELECT value FROM app_secrets WHERE name = 'vault_check'", vec![])
        .await?
        .ok_or_else(|| anyhow::anyhow!("vault check value missing"))?;
    match v.open(Kind::IdNumber, &row.value) {
        Ok(s) if s == CHECK => Ok(()),
        _ => anyhow::bail!(
            "数据密钥与数据库不符：请使用写入该数据库时的密钥（XINGHUO_DATA_KEYS 或 XINGHUO_DATA_KEY_FILE）/ \
             the data key does not match this database: every instance must use the same keyring"
        ),
    }
}

#[derive(FromQueryResult)]
struct PlainRow {
    id: i64,
    phone: Option<String>,
    id_number: Option<String>,
}

/// Seal what an older version stored in plain text, and clear the plain columns. Idempotent.
pub async fn seal_plaintext(conn: &impl sea_orm::TransactionTrait, v: &Vault) -> anyhow::Result<u64> {
    let mut done = 0u64;
    loop {
        let tx = conn.begin().await?;
        let rows = db::all::<PlainRow>(
            &tx,
            "SELECT id, phone, id_number FROM persons WHERE phone IS NOT NULL OR id_number IS NOT NULL ORDER BY id LIMIT 500",
            vec![],
        )
        .await?;
        if rows.is_empty() {
            tx.commit().await?;
            return Ok(done);
        }
        for r in &rows {
            let ph = Sealed::phone(v, r.phone.as_deref());
            let id = Sealed::id_number(v, r.id_number.as_deref());
            db::exec(
                &tx,
                "UPDATE persons SET phone = NULL, id_number = NULL, \
                 phone_masked = COALESCE($1, phone_masked), phone_enc = COALESCE($2, phone_enc), phone_hash = COALESCE($3, phone_hash), \
                 id_masked = COALESCE($4, id_masked), id_number_enc = COALESCE($5, id_number_enc), \
                 id_number_hash = COALESCE($6, id_number_hash) WHERE id = $7",
                params![ph.masked, ph.enc, ph.hash, id.masked, id.enc, id.hash, r.id],
            )
            .await?;
        }
        done += rows.len() as u64;
        tx.commit().await?;
    }
}

#[derive(FromQueryResult)]
struct SealedRow {
    id: i64,
    phone_enc: Option<String>,
    id_number_enc: Option<String>,
}

/// Key rotation: seal every value again under the current key and recompute the blind indexes (which
/// follow the current key). Run after adding a key to the ring; older keys may then be removed.
pub async fn reencrypt(conn: &(impl sea_orm::TransactionTrait + ConnectionTrait), v: &Vault) -> anyhow::Result<u64> {
    let mut after = 0i64;
    let mut done = 0u64;
    loop {
        let tx = conn.begin().await?;
        let rows = db::all::<SealedRow>(
            &tx,
            "SELECT id, phone_enc, id_number_enc FROM persons WHERE id > $1 \
             AND (phone_enc IS NOT NULL OR id_number_enc IS NOT NULL) ORDER BY id LIMIT 500",
            params![after],
        )
        .await?;
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
            db::exec(
                &tx,
                "UPDATE persons SET phone_enc = $1, phone_hash = $2, id_number_enc = $3, id_number_hash = $4 WHERE id = $5",
                params![ph.enc, ph.hash, id.enc, id.hash, r.id],
            )
            .await?;
        }
        done += rows.len() as u64;
        tx.commit().await?;
    }
    db::exec(
        conn,
        "UPDATE app_secrets SET value = $1 WHERE name = 'vault_check'",
        params![v.seal(Kind::IdNumber, CHECK)],
    )
    .await?;
    Ok(done)
}
