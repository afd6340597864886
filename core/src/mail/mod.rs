//! Mail as the service reads it: the addresses and `Message-ID`s that name a case (so replies
//! and provider events lead back to it), and the parsing of inbound messages: who wrote, what
//! they wrote (quoted history stripped, hidden text removed) and whether it is an automatic reply.

pub mod auto_reply;
pub mod dsn;
pub mod inbound;
pub mod opt_out;
pub mod quotes;
pub mod return_date;
pub mod sanitize;
pub mod trust;

#[cfg(test)]
mod properties;

use uuid::Uuid;

/// Names the case on every outbound message, so provider events (bounces, complaints) that
/// quote the original headers lead back to it.
pub const CASE_HEADER: &str = "X-Offload-Case";

/// The addresses and `Message-ID`s that name a case. Each carries a token — an HMAC of the
/// caseId under `OFFLOAD_REPLY_SIGNING_KEY` — so knowing a caseId (it is not a secret) is not
/// enough to reach the case: only someone who received our mail can reply to it.
#[derive(Clone)]
pub struct CaseAddresses {
    key: Vec<u8>,
    domain: String,
}

impl std::fmt::Debug for CaseAddresses {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CaseAddresses")
            .field("domain", &self.domain)
            .finish_non_exhaustive()
    }
}

/// Bytes of HMAC in a token: 80 bits, 16 base32 characters, so `reply+<caseId>.<token>` stays
/// within the 64 characters a local part may have.
const TOKEN_BYTES: usize = 10;

impl CaseAddresses {
    /// `key` is the reply signing key; `domain` the reply domain (`OFFLOAD_REPLY_DOMAIN`).
    pub fn new(key: &[u8], domain: &str) -> Self {
        CaseAddresses {
            key: key.to_vec(),
            domain: domain.to_ascii_lowercase(),
        }
    }

    pub fn domain(&self) -> &str {
        &self.domain
    }

    /// The case's token: lowercase base32 of the first 80 bits of HMAC-SHA256(key, caseId).
    pub fn token(&self, case_id: &str) -> String {
        use hmac::{Hmac, Mac};
        let mut mac =
            Hmac::<sha2::Sha256>::new_from_slice(&self.key).expect("HMAC takes any key length");
        mac.update(b"offload reply token\n");
        mac.update(case_id.to_ascii_lowercase().as_bytes());
        base32(&mac.finalize().into_bytes()[..TOKEN_BYTES])
    }

    fn token_matches(&self, case_id: &Uuid, token: &str) -> bool {
        use subtle::ConstantTimeEq;
        let expected = self.token(&case_id.to_string());
        let given = token.to_ascii_lowercase();
        given.len() == expected.len() && bool::from(given.as_bytes().ct_eq(expected.as_bytes()))
    }

    /// `reply+<caseId>.<token>@<domain>`: where the counterparty's replies go.
    pub fn reply_address(&self, case_id: &str) -> String {
        format!("reply+{case_id}.{}@{}", self.token(case_id), self.domain)
    }

    /// `offload.<caseId>.<n>.<token>@<domain>`: unique per message, stable across retries of
    /// one send, and naming its case, so a reply's `In-Reply-To`/`References` lead back to it.
    pub fn message_id(&self, case_id: &str, message_number: u32) -> String {
        format!(
            "offload.{case_id}.{message_number}.{}@{}",
            self.token(case_id),
            self.domain
        )
    }

    /// The case a per-case reply address names, if `address` is one of ours with the right
    /// token. Tokenless and wrong-token addresses name no case.
    pub fn case_of_reply_address(&self, address: &str) -> Option<Uuid> {
        let (local, domain) = address.trim().rsplit_once('@')?;
        if !domain.eq_ignore_ascii_case(&self.domain) {
            return None;
        }
        let prefix = local.get(..6)?;
        if !prefix.eq_ignore_ascii_case("reply+") {
            return None;
        }
        let (case_id, token) = local[6..].rsplit_once('.')?;
        let case_id = Uuid::parse_str(case_id).ok()?;
        self.token_matches(&case_id, token).then_some(case_id)
    }

    /// The case a `Message-ID` of ours names (angle brackets allowed), if its token is right.
    pub fn case_of_message_id(&self, id: &str) -> Option<Uuid> {
        let id = id.trim().trim_start_matches('<').trim_end_matches('>');
        let (local, domain) = id.rsplit_once('@')?;
        if !domain.eq_ignore_ascii_case(&self.domain) {
            return None;
        }
        let rest = local.strip_prefix("offload.")?;
        let (rest, token) = rest.rsplit_once('.')?;
        let (case_id, number) = rest.rsplit_once('.')?;
        number.parse::<u32>().ok()?;
        let case_id = Uuid::parse_str(case_id).ok()?;
        self.token_matches(&case_id, token).then_some(case_id)
    }
}

/// RFC 4648 base32, lowercase, without padding.
fn base32(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 32] = b"abcdefghijklmnopqrstuvwxyz234567";
    let mut out = String::with_capacity(bytes.len().div_ceil(5) * 8);
    let (mut buffer, mut bits) = (0u32, 0u32);
    for &byte in bytes {
        buffer = (buffer << 8) | u32::from(byte);
        bits += 8;
        while bits >= 5 {
            bits -= 5;
            out.push(ALPHABET[((buffer >> bits) & 31) as usize] as char);
        }
    }
    if bits > 0 {
        out.push(ALPHABET[((buffer << (5 - bits)) & 31) as usize] as char);
    }
    out
}

/// `Name <address>`, as the transcript shows a mailbox.
pub fn display_mailbox(name: &str, address: &str) -> String {
    if name.trim().is_empty() {
        address.to_string()
    } else {
        format!("{} <{}>", name.trim(), address)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const CASE: &str = "7c9e6679-7425-40de-944b-e07fc1f90ae7";

    fn ours() -> CaseAddresses {
        CaseAddresses::new(b"test reply signing key, 32 bytes!", "reply.example.com")
    }

    #[test]
    fn tokens_are_80_bits_and_keep_the_local_part_within_64_characters() {
        let token = ours().token(CASE);
        assert_eq!(token.len(), 16);
        assert!(
            token
                .bytes()
                .all(|b| b.is_ascii_lowercase() || (b'2'..=b'7').contains(&b))
        );
        let address = ours().reply_address(CASE);
        assert!(address.split('@').next().unwrap().len() <= 64, "{address}");
        assert_eq!(base32(b"foobar"), "mzxw6ytboi");
    }

    #[test]
    fn our_message_ids_lead_back_to_the_case_only_with_the_token() {
        let id = ours().message_id(CASE, 3);
        assert_eq!(
            ours()
                .case_of_message_id(&format!("<{id}>"))
                .unwrap()
                .to_string(),
            CASE
        );
        assert!(
            ours()
                .case_of_message_id("CAJane123@mail.gmail.com")
                .is_none()
        );
        assert!(
            ours()
                .case_of_message_id("offload.not-a-uuid.1.abc@reply.example.com")
                .is_none()
        );
        // Tokenless (the format before tokens) and forged ids name no case.
        assert!(
            ours()
                .case_of_message_id(&format!("offload.{CASE}.3@reply.example.com"))
                .is_none()
        );
        let forged = id.replace(&ours().token(CASE), "aaaaaaaaaaaaaaaa");
        assert!(ours().case_of_message_id(&forged).is_none());
        let other_key =
            CaseAddresses::new(b"another key entirely, 32 bytes!!", "reply.example.com");
        assert!(other_key.case_of_message_id(&id).is_none());
    }

    #[test]
    fn reply_addresses_lead_back_to_the_case_only_with_the_token_on_our_domain() {
        let address = ours().reply_address(CASE);
        assert_eq!(
            ours().case_of_reply_address(&address).unwrap().to_string(),
            CASE
        );
        assert_eq!(
            ours()
                .case_of_reply_address(&address.to_uppercase())
                .unwrap()
                .to_string(),
            CASE,
            "mail systems may change the case of an address"
        );
        let elsewhere =
            CaseAddresses::new(b"test reply signing key, 32 bytes!", "other.example.com");
        assert!(elsewhere.case_of_reply_address(&address).is_none());
        for refused in [
            format!("reply+{CASE}@reply.example.com"),
            format!("reply+{CASE}.@reply.example.com"),
            format!("reply+{CASE}.aaaaaaaaaaaaaaaa@reply.example.com"),
            format!("reply+{CASE}.{}x@reply.example.com", ours().token(CASE)),
        ] {
            assert!(
                ours().case_of_reply_address(&refused).is_none(),
                "{refused}"
            );
        }
    }

    #[test]
    fn a_token_names_one_case() {
        let other = "0b7f0c2e-3f3a-4a8e-9d55-3c1f6f3e2a10";
        let swapped = ours().reply_address(CASE).replace(CASE, other);
        assert!(ours().case_of_reply_address(&swapped).is_none());
    }
}
