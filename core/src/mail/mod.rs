//! Mail as the service reads it: the addresses and `Message-ID`s that name a case (so replies
//! and provider events lead back to it), and the parsing of inbound messages: who wrote, what
//! they wrote (quoted history stripped, hidden text removed) and whether it is an automatic reply.

pub mod auto_reply;
pub mod inbound;
pub mod quotes;
pub mod sanitize;

use uuid::Uuid;

/// Names the case on every outbound message, so provider events (bounces, complaints) that
/// quote the original headers lead back to it.
pub const CASE_HEADER: &str = "X-Offload-Case";

/// `offload.<caseId>.<n>@<domain>`: unique per message, stable across retries of one send, and
/// naming its case, so a reply's `In-Reply-To`/`References` lead back to the case.
pub fn message_id(case_id: &str, message_number: u32, domain: &str) -> String {
    format!("offload.{case_id}.{message_number}@{domain}")
}

/// The case a `Message-ID` of ours belongs to (angle brackets allowed).
pub fn case_id_from_message_id(id: &str) -> Option<Uuid> {
    let id = id.trim().trim_start_matches('<').trim_end_matches('>');
    let (local, _domain) = id.rsplit_once('@')?;
    let rest = local.strip_prefix("offload.")?;
    let (case_id, number) = rest.rsplit_once('.')?;
    number.parse::<u32>().ok()?;
    Uuid::parse_str(case_id).ok()
}

/// `reply+<caseId>@<domain>`: where the counterparty's replies go.
pub fn reply_address(case_id: &str, domain: &str) -> String {
    format!("reply+{case_id}@{domain}")
}

/// The case a per-case reply address belongs to, if `address` is one of ours.
pub fn case_id_from_reply_address(address: &str, domain: &str) -> Option<Uuid> {
    let (local, addr_domain) = address.trim().rsplit_once('@')?;
    if !addr_domain.eq_ignore_ascii_case(domain) {
        return None;
    }
    let prefix = local.get(..6)?;
    if !prefix.eq_ignore_ascii_case("reply+") {
        return None;
    }
    Uuid::parse_str(&local[6..]).ok()
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

    #[test]
    fn our_message_ids_lead_back_to_the_case() {
        let id = message_id(CASE, 3, "reply.example.com");
        assert_eq!(
            case_id_from_message_id(&format!("<{id}>"))
                .unwrap()
                .to_string(),
            CASE
        );
        assert!(case_id_from_message_id("CAJane123@mail.gmail.com").is_none());
        assert!(case_id_from_message_id("offload.not-a-uuid.1@x.com").is_none());
    }

    #[test]
    fn reply_addresses_lead_back_to_the_case_only_on_our_domain() {
        let address = reply_address(CASE, "reply.example.com");
        assert_eq!(
            case_id_from_reply_address(&address, "reply.example.com")
                .unwrap()
                .to_string(),
            CASE
        );
        assert_eq!(
            case_id_from_reply_address(&address.to_uppercase(), "reply.example.com")
                .unwrap()
                .to_string(),
            CASE
        );
        assert!(case_id_from_reply_address(&address, "other.example.com").is_none());
    }
}
