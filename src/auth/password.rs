//! Password hashing with Argon2id (RustCrypto `argon2`, PHC strings), always off the async runtime.

use argon2::{
    Argon2,
    password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString, rand_core::OsRng},
};

use crate::error::AppError;

pub async fn hash(password: String) -> Result<String, AppError> {
    tokio::task::spawn_blocking(move || {
        let salt = SaltString::generate(&mut OsRng);
        Argon2::default().hash_password(password.as_bytes(), &salt).map(|h| h.to_string())
    })
    .await
    .map_err(AppError::internal)?
    .map_err(AppError::internal)
}

pub async fn verify(password: String, phc: String) -> Result<bool, AppError> {
    tokio::task::spawn_blocking(move || {
        let Ok(parsed) = PasswordHash::new(&phc) else { return false };
        Argon2::default().verify_password(password.as_bytes(), &parsed).is_ok()
    })
    .await
    .map_err(AppError::internal)
}

/// A real Argon2id hash of a random string, verified against when a username does not exist so that
/// timing does not reveal which usernames do.
pub fn dummy_hash() -> &'static str {
    static H: std::sync::LazyLock<String> = std::sync::LazyLock::new(|| {
        let salt = SaltString::generate(&mut OsRng);
        Argon2::default().hash_password(b"xinghuo-dummy", &salt).map(|h| h.to_string()).unwrap_or_default()
    });
    &H
}

/// Rules for a new password: 8–72 characters, at least two of letters / digits / symbols.
pub fn check_strength(pw: &str) -> Result<(), &'static str> {
    let n = pw.chars().count();
    if n < 8 {
        return Err("密码至少8位");
    }
    if n > 72 {
        return Err("密码不能超过72位");
    }
    let classes = [
        pw.chars().any(|c| c.is_ascii_alphabetic()),
        pw.chars().any(|c| c.is_ascii_digit()),
        pw.chars().any(|c| !c.is_ascii_alphanumeric()),
    ];
    if classes.iter().filter(|b| **b).count() < 2 {
        return Err("密码需包含字母、数字、符号中的至少两类");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    #[tokio::test]
    async fn hashes_verify_only_the_right_password() {
        let h = super::hash("xinghuo-2026".into()).await.unwrap();
        assert!(h.starts_with("$argon2id$"));
        assert!(super::verify("xinghuo-2026".into(), h.clone()).await.unwrap());
        assert!(!super::verify("wrong".into(), h).await.unwrap());
        assert!(!super::verify("x".into(), "not-a-hash".into()).await.unwrap());
    }

    #[test]
    fn weak_passwords_are_refused() {
        assert!(super::check_strength("short1").is_err());
        assert!(super::check_strength("onlyletters").is_err());
        assert!(super::check_strength("letters123").is_ok());
    }
}
