//! API keys: the keys file (`OFFLOAD_KEYS_FILE`), lookups by hash in constant time, and minting.
//!
//! ```toml
//! [[keys]]
//! tenant = "acme"
//! sha256 = "<64 hex characters: SHA-256 of the key>"
//! active = true
//! webhook_secret = "whsec_<base64>"
//! monthly_case_cap = 1000   # optional: cases this tenant may create per UTC calendar month
//! ```

use base64::Engine;
use rand::RngCore;
use serde::Deserialize;
use sha2::{Digest, Sha256};
use std::path::Path;
use subtle::ConstantTimeEq;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct KeysFile {
    #[serde(default)]
    keys: Vec<KeyEntry>,
}

#[derive(Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct KeyEntry {
    pub tenant: String,
    pub sha256: String,
    pub active: bool,
    pub webhook_secret: String,
    /// Cases the tenant may create per UTC calendar month; no cap when absent.
    #[serde(default)]
    pub monthly_case_cap: Option<u64>,
}

impl std::fmt::Debug for KeyEntry {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("KeyEntry")
            .field("tenant", &self.tenant)
            .field("active", &self.active)
            .finish_non_exhaustive()
    }
}

/// What a presented key turned out to be.
#[derive(Debug, PartialEq, Eq)]
pub enum KeyLookup {
    Active {
        tenant: String,
        /// The digest of the key, to tell keys apart (rate limits).
        key_id: [u8; 32],
        monthly_case_cap: Option<u64>,
    },
    Inactive,
    Unknown,
}

#[derive(Debug, Default)]
pub struct KeyStore {
    /// (digest, entry); digests decoded once at load.
    entries: Vec<([u8; 32], KeyEntry)>,
}

#[derive(Debug, thiserror::Error)]
#[error("keys file {path}: {problem}")]
pub struct KeysFileError {
    pub path: String,
    pub problem: String,
}

impl KeyStore {
    pub fn load(path: &Path) -> Result<Self, KeysFileError> {
        let fail = |problem: String| KeysFileError {
            path: path.display().to_string(),
            problem,
        };
        let text = std::fs::read_to_string(path).map_err(|e| {
            fail(format!(
                "cannot read it ({e}); create one with `offload-api mint-key --tenant <name> --append` \
                 or point OFFLOAD_KEYS_FILE at it"
            ))
        })?;
        Self::parse(&text).map_err(fail)
    }

    pub fn parse(text: &str) -> Result<Self, String> {
        let file: KeysFile = toml::from_str(text).map_err(|e| e.message().to_string())?;
        let mut entries = Vec::with_capacity(file.keys.len());
        for (i, entry) in file.keys.into_iter().enumerate() {
            let at = |field: &str, problem: &str| format!("keys[{i}].{field}: {problem}");
            if entry.tenant.trim().is_empty() || entry.tenant.len() > 200 {
                return Err(at("tenant", "must be 1..200 characters"));
            }
            let digest: [u8; 32] = hex::decode(entry.sha256.trim())
                .ok()
                .and_then(|d| d.try_into().ok())
                .ok_or_else(|| {
                    at(
                        "sha256",
                        "must be 64 hex characters (the SHA-256 of the key)",
                    )
                })?;
            if decode_webhook_secret(&entry.webhook_secret).is_none() {
                return Err(at("webhook_secret", "must be `whsec_` followed by base64"));
            }
            entries.push((digest, entry));
        }
        Ok(KeyStore { entries })
    }

    /// Looks a presented key up by its hash. Every entry is compared, in constant time, so the
    /// time taken says nothing about which keys exist.
    pub fn lookup(&self, presented: &str) -> KeyLookup {
        let digest: [u8; 32] = Sha256::digest(presented.as_bytes()).into();
        let mut found: Option<&KeyEntry> = None;
        for (stored, entry) in &self.entries {
            if bool::from(stored.ct_eq(&digest)) {
                found = Some(entry);
            }
        }
        match found {
            Some(entry) if entry.active => KeyLookup::Active {
                tenant: entry.tenant.clone(),
                key_id: digest,
                monthly_case_cap: entry.monthly_case_cap,
            },
            Some(_) => KeyLookup::Inactive,
            None => KeyLookup::Unknown,
        }
    }

    /// The webhook signing secret of a tenant: its first active key's, else any of its keys'
    /// (retiring an API key does not silence webhooks).
    pub fn webhook_secret(&self, tenant: &str) -> Option<&str> {
        let of_tenant = || {
            self.entries
                .iter()
                .map(|(_, e)| e)
                .filter(|e| e.tenant == tenant)
        };
        of_tenant()
            .find(|e| e.active)
            .or_else(|| of_tenant().next())
            .map(|e| e.webhook_secret.as_str())
    }
}

/// The HMAC key inside a `whsec_<base64>` secret.
pub fn decode_webhook_secret(secret: &str) -> Option<Vec<u8>> {
    let encoded = secret.strip_prefix("whsec_")?;
    base64::engine::general_purpose::STANDARD
        .decode(encoded)
        .ok()
        .filter(|k| !k.is_empty())
}

/// A freshly minted key and the keys-file entry that admits it.
pub struct MintedKey {
    pub key: String,
    pub webhook_secret: String,
    pub entry_toml: String,
}

pub fn mint(tenant: &str) -> MintedKey {
    let mut key_bytes = [0u8; 32];
    let mut secret_bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut key_bytes);
    rand::rng().fill_bytes(&mut secret_bytes);
    let key = format!(
        "ofk_{}",
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(key_bytes)
    );
    let digest = hex::encode(Sha256::digest(key.as_bytes()));
    let secret = format!(
        "whsec_{}",
        base64::engine::general_purpose::STANDARD.encode(secret_bytes)
    );
    let tenant_toml = toml::Value::String(tenant.to_string()).to_string();
    let entry_toml = format!(
        "[[keys]]\ntenant = {tenant_toml}\nsha256 = \"{digest}\"\nactive = true\nwebhook_secret = \"{secret}\"\n"
    );
    MintedKey {
        key,
        webhook_secret: secret,
        entry_toml,
    }
}

/// A 32-byte secret kept in `path`: read when it exists, else generated and written once
/// (owner-only). Two processes starting together agree: the file appears whole or not at all
/// (written aside, then hard-linked into place, which fails if another process won).
pub fn load_or_create_secret(path: &Path) -> std::io::Result<Vec<u8>> {
    match std::fs::read(path) {
        Ok(key) if key.len() >= 32 => return Ok(key),
        Ok(_) => {
            return Err(std::io::Error::new(
                std::io::ErrorKind::InvalidData,
                format!("{} holds fewer than 32 bytes", path.display()),
            ));
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
        Err(e) => return Err(e),
    }
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir)?;
    }
    let mut key = vec![0u8; 32];
    rand::rng().fill_bytes(&mut key);
    let aside = path.with_extension(format!("{}.partial", std::process::id()));
    std::fs::write(&aside, &key)?;
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&aside, std::fs::Permissions::from_mode(0o600))?;
    }
    let linked = std::fs::hard_link(&aside, path);
    let _ = std::fs::remove_file(&aside);
    match linked {
        Ok(()) => Ok(key),
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => std::fs::read(path),
        Err(e) => Err(e),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_minted_key_is_admitted_by_its_entry() {
        let minted = mint("acme \"corp\"");
        let store = KeyStore::parse(&minted.entry_toml).unwrap();
        assert!(matches!(
            store.lookup(&minted.key),
            KeyLookup::Active { tenant, monthly_case_cap: None, .. } if tenant == "acme \"corp\""
        ));
        assert_eq!(store.lookup("ofk_wrong"), KeyLookup::Unknown);
        assert!(
            store
                .webhook_secret("acme \"corp\"")
                .unwrap()
                .starts_with("whsec_")
        );
    }

    #[test]
    fn inactive_keys_are_known_but_refused() {
        let minted = mint("acme");
        let text = minted.entry_toml.replace("active = true", "active = false");
        assert_eq!(
            KeyStore::parse(&text).unwrap().lookup(&minted.key),
            KeyLookup::Inactive
        );
    }

    #[test]
    fn bad_entries_name_the_field() {
        let err = KeyStore::parse(
            "[[keys]]\ntenant = \"a\"\nsha256 = \"xyz\"\nactive = true\nwebhook_secret = \"whsec_AAAA\"\n",
        )
        .unwrap_err();
        assert!(err.starts_with("keys[0].sha256:"), "{err}");
        let err = KeyStore::parse("[[keys]]\ntenant = \"a\"\n").unwrap_err();
        assert!(err.contains("missing field"), "{err}");
    }

    #[test]
    fn a_generated_secret_is_created_once_and_then_read() {
        let dir = std::env::temp_dir().join(format!("offload-keys-{}", uuid_like()));
        let path = dir.join("secret");
        let first = load_or_create_secret(&path).unwrap();
        assert_eq!(first.len(), 32);
        assert_eq!(load_or_create_secret(&path).unwrap(), first);
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&path).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
        std::fs::remove_dir_all(&dir).unwrap();
    }

    fn uuid_like() -> String {
        let mut bytes = [0u8; 8];
        rand::rng().fill_bytes(&mut bytes);
        hex::encode(bytes)
    }
}
