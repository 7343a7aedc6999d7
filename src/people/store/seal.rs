//! SQL of `people/seal.rs`.

use crate::ids::*;
use sea_orm::{ConnectionTrait, FromQueryResult};

use crate::{db, error::AppError, params, people::seal::Sealed};

#[derive(FromQueryResult)]
pub struct SealedRow {
    pub id: i64,
    pub phone_enc: Option<String>,
    pub id_number_enc: Option<String>,
}

/// A person's sealed phone and ID number.
pub async fn sealed_contact(conn: &impl ConnectionTrait, person_id: PersonId) -> Result<Option<SealedRow>, AppError> {
    Ok(db::one(conn, "SELECT id, phone_enc, id_number_enc FROM persons WHERE id = $1", params![person_id]).await?)
}

/// The database's key check: written once (with `first` when there is none), then read back — a
/// secret every instance shares, like the cookie secret.
pub async fn vault_check(conn: &impl ConnectionTrait, first: &str) -> Result<Option<String>, AppError> {
    Ok(crate::auth::store::shared_secret(conn, "vault_check", first).await?)
}

pub async fn set_vault_check(conn: &impl ConnectionTrait, value: &str) -> Result<(), AppError> {
    db::exec(conn, "UPDATE app_secrets SET value = $1 WHERE name = 'vault_check'", params![value]).await?;
    Ok(())
}

#[derive(FromQueryResult)]
pub struct PlainRow {
    pub id: i64,
    pub phone: Option<String>,
    pub id_number: Option<String>,
}

/// Up to 500 persons still holding a phone or ID number in plain text (from an older version).
pub async fn plaintext_batch(conn: &impl ConnectionTrait) -> Result<Vec<PlainRow>, AppError> {
    Ok(db::all(
        conn,
        "SELECT id, phone, id_number FROM persons WHERE phone IS NOT NULL OR id_number IS NOT NULL ORDER BY id LIMIT 500",
        vec![],
    )
    .await?)
}

/// Store a person's sealed values and clear the plain ones.
pub async fn seal_row(conn: &impl ConnectionTrait, id: i64, ph: &Sealed, idn: &Sealed) -> Result<(), AppError> {
    db::exec(
        conn,
        "UPDATE persons SET phone = NULL, id_number = NULL, \
         phone_masked = COALESCE($1, phone_masked), phone_enc = COALESCE($2, phone_enc), phone_hash = COALESCE($3, phone_hash), \
         id_masked = COALESCE($4, id_masked), id_number_enc = COALESCE($5, id_number_enc), \
         id_number_hash = COALESCE($6, id_number_hash) WHERE id = $7",
        params![ph.masked.clone(), ph.enc.clone(), ph.hash.clone(), idn.masked.clone(), idn.enc.clone(), idn.hash.clone(), id],
    )
    .await?;
    Ok(())
}

/// The next 500 persons after `after` with sealed values (for re-encryption).
pub async fn sealed_batch(conn: &impl ConnectionTrait, after: i64) -> Result<Vec<SealedRow>, AppError> {
    Ok(db::all(
        conn,
        "SELECT id, phone_enc, id_number_enc FROM persons WHERE id > $1 \
         AND (phone_enc IS NOT NULL OR id_number_enc IS NOT NULL) ORDER BY id LIMIT 500",
        params![after],
    )
    .await?)
}

/// Store values sealed again under the current key, with their blind indexes.
pub async fn reseal_row(conn: &impl ConnectionTrait, id: i64, ph: &Sealed, idn: &Sealed) -> Result<(), AppError> {
    db::exec(
        conn,
        "UPDATE persons SET phone_enc = $1, phone_hash = $2, id_number_enc = $3, id_number_hash = $4 WHERE id = $5",
        params![ph.enc.clone(), ph.hash.clone(), idn.enc.clone(), idn.hash.clone(), id],
    )
    .await?;
    Ok(())
}
