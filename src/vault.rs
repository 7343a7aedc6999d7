//! Personal information at rest (PIPL; C17): phone and ID numbers — and later political status and care
//! tags — are stored only sealed with AES-256-GCM, beside a masked copy for display and a keyed blind
//! index (HMAC-SHA-256) for the look-ups that need equality. A database dump shows neither the numbers
//! nor anything that could be matched against a list of numbers without the key.
//!
//! * Keys come from configuration (`XINGHUO_DATA_KEYS`), a key file (`XINGHUO_DATA_KEY_FILE`), or — for
//!   a single instance — `<data_dir>/data.keys`, created on first start. Never from the database.
//! * A keyring holds several keys `id:base64`; the last one seals, any of them opens, so keys rotate:
//!   add a key, then `xinghuo keys reencrypt` seals every value again under it and recomputes the
//!   blind indexes (which are keyed by the current key).
//! * A sealed value is `v1.<key id>.<base64(nonce ‖ ciphertext)>`, bound by its AEAD associated data to
//!   the kind of value (`phone`, `id_number`), so a ciphertext cannot be moved to another field.

use std::path::Path;

use aes_gcm::{
    Aes256Gcm, Nonce,
    aead::{Aead, KeyInit, Payload},
};
use base64::Engine;
use hmac::{Hmac, Mac};
use rand::RngCore;
use sha2::Sha256;

const B64: base64::engine::GeneralPurpose = base64::engine::general_purpose::STANDARD_NO_PAD;

/// What a sealed value is; part of the AEAD associated data and of the blind index.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Phone,
    IdNumber,
    /// A key an outside system gave us (an Open311 `api_key`).
    OutsideKey,
}

impl Kind {
    fn tag(self) -> &'static [u8] {
        match self {
            Kind::Phone => b"phone",
            Kind::IdNumber => b"id_number",
            Kind::OutsideKey => b"outside_key",
        }
    }
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum VaultError {
    #[error("数据密钥无效 / invalid data key: {0}")]
    BadKey(String),
    #[error("无法解密：密钥不符或数据损坏 / cannot open a sealed value (wrong key or damaged data)")]
    CannotOpen,
}

#[derive(Clone)]
pub struct Vault {
    /// (id, key); the last seals.
    keys: Vec<(String, [u8; 32])>,
}

impl std::fmt::Debug for Vault {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Vault({} keys, current {:?})", self.keys.len(), self.current_id())
    }
}

impl Vault {
    /// Parse a keyring: one `id:base64(32 bytes)` per line or comma-separated; `#` starts a comment.
    pub fn parse(ring: &str) -> Result<Self, VaultError> {
        let mut keys = Vec::new();
        for entry in ring.split([',', '\n']).map(|l| l.split('#').next().unwrap_or("").trim()).filter(|l| !l.is_empty())
        {
            let (id, b64) = entry.split_once(':').ok_or_else(|| VaultError::BadKey("expected id:base64".into()))?;
            let id = id.trim();
            if id.is_empty() || id.len() > 16 || !id.chars().all(|c| c.is_ascii_alphanumeric()) {
                return Err(VaultError::BadKey(format!("key id {id:?}: 1–16 letters or digits")));
            }
            let raw = base64::engine::general_purpose::STANDARD
                .decode(b64.trim())
                .map_err(|_| VaultError::BadKey(format!("key {id}: not base64")))?;
            let key: [u8; 32] =
                raw.try_into().map_err(|_| VaultError::BadKey(format!("key {id}: must be 32 bytes (AES-256)")))?;
            if keys.iter().any(|(k, _)| k == id) {
                return Err(VaultError::BadKey(format!("key id {id} appears twice")));
            }
            keys.push((id.to_string(), key));
        }
        if keys.is_empty() {
            return Err(VaultError::BadKey("no key".into()));
        }
        Ok(Self { keys })
    }

    /// A new random key line `id:base64`.
    pub fn new_key_line(id: &str) -> String {
        let mut k = [0u8; 32];
        rand::rngs::OsRng.fill_bytes(&mut k);
        format!("{id}:{}", base64::engine::general_purpose::STANDARD.encode(k))
    }

    /// The keyring file, created with one key (readable by the owner only) if it does not exist.
    pub fn load_or_create_file(path: &Path) -> anyhow::Result<Self> {
        if !path.exists() {
            if let Some(dir) = path.parent() {
                std::fs::create_dir_all(dir)?;
            }
            let line = format!(
                "# 星火社区 data keys (AES-256). Keep a copy: without it the phone and ID numbers cannot be read.\n{}\n",
                Self::new_key_line("k1")
            );
            let mut opts = std::fs::OpenOptions::new();
            opts.write(true).create_new(true);
            #[cfg(unix)]
            std::os::unix::fs::OpenOptionsExt::mode(&mut opts, 0o600);
            match opts.open(path) {
                Ok(mut f) => std::io::Write::write_all(&mut f, line.as_bytes())?,
                // Another process made it first: read theirs.
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {}
                Err(e) => return Err(e.into()),
            }
        }
        Ok(Self::parse(&std::fs::read_to_string(path)?)?)
    }

    pub fn current_id(&self) -> &str {
        &self.keys.last().expect("a vault has a key").0
    }

    fn current(&self) -> &(String, [u8; 32]) {
        self.keys.last().expect("a vault has a key")
    }

    pub fn seal(&self, kind: Kind, plain: &str) -> String {
        let (id, key) = self.current();
        let cipher = Aes256Gcm::new(key.into());
        let mut nonce = [0u8; 12];
        rand::rngs::OsRng.fill_bytes(&mut nonce);
        let ct = cipher
            .encrypt(Nonce::from_slice(&nonce), Payload { msg: plain.as_bytes(), aad: kind.tag() })
            .expect("AES-GCM encryption of a short value cannot fail");
        let mut blob = nonce.to_vec();
        blob.extend_from_slice(&ct);
        format!("v1.{id}.{}", B64.encode(blob))
    }

    pub fn open(&self, kind: Kind, sealed: &str) -> Result<String, VaultError> {
        let mut parts = sealed.splitn(3, '.');
        let (Some("v1"), Some(id), Some(b64)) = (parts.next(), parts.next(), parts.next()) else {
            return Err(VaultError::CannotOpen);
        };
        let (_, key) = self.keys.iter().find(|(k, _)| k == id).ok_or(VaultError::CannotOpen)?;
        let blob = B64.decode(b64).map_err(|_| VaultError::CannotOpen)?;
        if blob.len() < 12 + 16 {
            return Err(VaultError::CannotOpen);
        }
        let plain = Aes256Gcm::new(key.into())
            .decrypt(Nonce::from_slice(&blob[..12]), Payload { msg: &blob[12..], aad: kind.tag() })
            .map_err(|_| VaultError::CannotOpen)?;
        String::from_utf8(plain).map_err(|_| VaultError::CannotOpen)
    }

    /// Whether a sealed value was sealed under an older key (and should be sealed again).
    pub fn is_current(&self, sealed: &str) -> bool {
        sealed.split('.').nth(1) == Some(self.current_id())
    }

    /// The blind index of a value: HMAC-SHA-256 under a key derived from the current key, hex.
    pub fn blind(&self, kind: Kind, value: &str) -> String {
        let mut derive = <Hmac<Sha256> as Mac>::new_from_slice(&self.current().1).expect("HMAC takes any key");
        derive.update(b"xinghuo blind index v1");
        let index_key = derive.finalize().into_bytes();
        let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(&index_key).expect("HMAC takes any key");
        mac.update(kind.tag());
        mac.update(&[0]);
        mac.update(value.as_bytes());
        mac.finalize().into_bytes().iter().map(|b| format!("{b:02x}")).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ring() -> Vault {
        Vault::parse(&format!("{}\n{}", Vault::new_key_line("k1"), Vault::new_key_line("k2"))).unwrap()
    }

    #[test]
    fn sealed_values_open_and_say_nothing() {
        let v = ring();
        let s = v.seal(Kind::Phone, "13800138000");
        assert!(s.starts_with("v1.k2."));
        assert!(!s.contains("13800138000") && !s.contains("8000"));
        assert_eq!(v.open(Kind::Phone, &s).unwrap(), "13800138000");
        // Fresh nonce each time: equal numbers do not seal alike.
        assert_ne!(s, v.seal(Kind::Phone, "13800138000"));
        // Bound to its kind: a sealed phone does not open as an ID number.
        assert_eq!(v.open(Kind::IdNumber, &s), Err(VaultError::CannotOpen));
        // Tampering is detected.
        let mut t = s.clone();
        t.replace_range(t.len() - 3.., "AAA");
        assert_eq!(v.open(Kind::Phone, &t), Err(VaultError::CannotOpen));
    }

    #[test]
    fn an_older_key_still_opens_and_another_ring_does_not() {
        let old = Vault::parse(&Vault::new_key_line("k1")).unwrap();
        let s = old.seal(Kind::IdNumber, "11010519491231002X");
        let both =
            Vault::parse(&format!("{},{}", Vault::new_key_line("k1").replace("k1:", "k0:"), Vault::new_key_line("k9")));
        assert!(both.unwrap().open(Kind::IdNumber, &s).is_err(), "a ring without k1 cannot open it");
        let line = std::iter::once(old.keys[0].clone())
            .map(|(id, k)| format!("{id}:{}", base64::engine::general_purpose::STANDARD.encode(k)))
            .next()
            .unwrap();
        let rotated = Vault::parse(&format!("{line}\n{}", Vault::new_key_line("k2"))).unwrap();
        assert_eq!(rotated.open(Kind::IdNumber, &s).unwrap(), "11010519491231002X");
        assert!(!rotated.is_current(&s));
        assert!(rotated.is_current(&rotated.seal(Kind::IdNumber, "x")));
    }

    #[test]
    fn the_blind_index_is_stable_per_key_and_kind() {
        let v = ring();
        assert_eq!(v.blind(Kind::IdNumber, "11010519491231002X"), v.blind(Kind::IdNumber, "11010519491231002X"));
        assert_ne!(v.blind(Kind::IdNumber, "11010519491231002X"), v.blind(Kind::Phone, "11010519491231002X"));
        assert_ne!(v.blind(Kind::IdNumber, "11010519491231002X"), ring().blind(Kind::IdNumber, "11010519491231002X"));
        assert_eq!(v.blind(Kind::Phone, "1").len(), 64);
    }

    #[test]
    fn bad_keyrings_are_refused_with_the_reason() {
        assert!(Vault::parse("").is_err());
        assert!(Vault::parse("k1:notbase64!").is_err());
        assert!(Vault::parse("k1:AAAA").unwrap_err().to_string().contains("32 bytes"));
        let l = Vault::new_key_line("k1");
        assert!(Vault::parse(&format!("{l},{l}")).unwrap_err().to_string().contains("twice"));
        assert!(!format!("{:?}", Vault::parse(&l).unwrap()).contains(l.split(':').nth(1).unwrap()));
    }
}
