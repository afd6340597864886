//! Which URLs and addresses a webhook may be delivered to: `https` (or `http` where the
//! deployment allows it) to public addresses, plus whatever the deployment allow-lists
//! (`OFFLOAD_WEBHOOK_ALLOW_CIDRS`). Loopback, private, link-local, CGNAT, multicast, unspecified
//! and reserved addresses — also inside IPv4-mapped IPv6 — are refused. The one guard: the API
//! checks a URL with it at creation, the worker again at every delivery (and its resolver checks
//! every address a host name resolves to).

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use url::Url;

/// An address block such as `127.0.0.1/32` or `fd00::/8`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Cidr {
    network: IpAddr,
    prefix: u8,
}

impl Cidr {
    pub fn parse(text: &str) -> Option<Cidr> {
        let (addr, prefix) = match text.trim().split_once('/') {
            Some((addr, prefix)) => (addr.parse::<IpAddr>().ok()?, prefix.parse::<u8>().ok()?),
            None => {
                let addr = text.trim().parse::<IpAddr>().ok()?;
                (addr, if addr.is_ipv4() { 32 } else { 128 })
            }
        };
        let max = if addr.is_ipv4() { 32 } else { 128 };
        (prefix <= max).then_some(Cidr {
            network: addr,
            prefix,
        })
    }

    pub fn contains(&self, ip: IpAddr) -> bool {
        match (self.network, canonical(ip)) {
            (IpAddr::V4(net), IpAddr::V4(ip)) => {
                let mask = u32::MAX
                    .checked_shl(32 - u32::from(self.prefix))
                    .unwrap_or(0);
                u32::from(net) & mask == u32::from(ip) & mask
            }
            (IpAddr::V6(net), IpAddr::V6(ip)) => {
                let mask = u128::MAX
                    .checked_shl(128 - u32::from(self.prefix))
                    .unwrap_or(0);
                u128::from(net) & mask == u128::from(ip) & mask
            }
            _ => false,
        }
    }
}

/// IPv4-mapped and IPv4-compatible IPv6 addresses are judged as the IPv4 address they carry.
fn canonical(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => IpAddr::V4(v4),
            None => {
                let segments = v6.segments();
                if segments[..6] == [0, 0, 0, 0, 0, 0] && !v6.is_unspecified() && !v6.is_loopback()
                {
                    IpAddr::V4(Ipv4Addr::from(u128::from(v6) as u32))
                } else {
                    IpAddr::V6(v6)
                }
            }
        },
        v4 => v4,
    }
}

/// Whether `ip` is an ordinary public unicast address.
pub fn is_public(ip: IpAddr) -> bool {
    match canonical(ip) {
        IpAddr::V4(v4) => public_v4(v4),
        IpAddr::V6(v6) => public_v6(v6),
    }
}

fn public_v4(ip: Ipv4Addr) -> bool {
    let [a, b, _, _] = ip.octets();
    !(ip.is_loopback()
        || ip.is_private()
        || ip.is_link_local()
        || ip.is_multicast()
        || ip.is_unspecified()
        || ip.is_broadcast()
        || ip.is_documentation()
        || a == 0
        || (a == 100 && (64..128).contains(&b)) // CGNAT 100.64.0.0/10
        || (a == 192 && b == 0 && ip.octets()[2] == 0) // IETF protocol assignments
        || (a == 198 && (18..20).contains(&b)) // benchmarking
        || a >= 240) // reserved
}

fn public_v6(ip: Ipv6Addr) -> bool {
    let segments = ip.segments();
    let first = segments[0];
    // 6to4 (2002::/16) carries an IPv4 address: judge that one.
    if first == 0x2002 {
        let [a, b] = segments[1].to_be_bytes();
        let [c, d] = segments[2].to_be_bytes();
        return public_v4(Ipv4Addr::new(a, b, c, d));
    }
    !(ip.is_loopback()
        || ip.is_unspecified()
        || ip.is_multicast()
        || (first & 0xfe00) == 0xfc00 // unique local fc00::/7
        || (first & 0xffc0) == 0xfe80 // link-local fe80::/10
        || (first & 0xffc0) == 0xfec0 // site-local (deprecated)
        || first == 0x2001 && ip.segments()[1] == 0x0db8 // documentation
        || first == 0x2001 && segments[1] == 0x0000 // Teredo: tunnels to anywhere
        || first == 0x0064 && segments[1] == 0xff9b) // NAT64 (well-known and local-use prefixes)
}

/// Whether a webhook may go to `ip`.
pub fn webhook_may_reach(ip: IpAddr, allowed: &[Cidr]) -> bool {
    allowed.iter().any(|c| c.contains(ip)) || is_public(ip)
}

/// Where this deployment lets webhooks go.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct WebhookPolicy {
    /// Plain `http` URLs are accepted (`OFFLOAD_WEBHOOK_ALLOW_HTTP`).
    pub allow_http: bool,
    /// Blocks reachable although not public (`OFFLOAD_WEBHOOK_ALLOW_CIDRS`).
    pub allowed: Vec<Cidr>,
}

/// Why a webhook URL is refused; the text completes "clientWebhookUrl: …".
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum WebhookUrlProblem {
    #[error("must be an absolute URL")]
    NotAUrl,
    #[error("must use https (plain http is only allowed when OFFLOAD_WEBHOOK_ALLOW_HTTP=true)")]
    PlainHttp,
    #[error("must be an https URL")]
    Scheme,
    #[error("must name a host")]
    NoHost,
    #[error("must not carry credentials")]
    Credentials,
    #[error("must not point at a private, loopback, link-local or otherwise non-public address")]
    NonPublicAddress,
    #[error(
        "must not name a host that is local or resolves only to private, loopback, link-local or otherwise non-public addresses"
    )]
    NonPublicHost,
}

impl WebhookPolicy {
    /// Whether this is the production policy: `https` only, public targets only.
    pub fn is_strict(&self) -> bool {
        !self.allow_http && self.allowed.is_empty()
    }

    /// Whether a webhook may go to `ip`.
    pub fn may_reach(&self, ip: IpAddr) -> bool {
        webhook_may_reach(ip, &self.allowed)
    }

    /// Checks a webhook URL: scheme, host, no credentials, and a literal address must be one
    /// webhooks may reach (host names are checked where they are resolved).
    pub fn check_url(&self, raw: &str) -> Result<Url, WebhookUrlProblem> {
        let url = Url::parse(raw).map_err(|_| WebhookUrlProblem::NotAUrl)?;
        match url.scheme() {
            "https" => {}
            "http" if self.allow_http => {}
            "http" => return Err(WebhookUrlProblem::PlainHttp),
            _ => return Err(WebhookUrlProblem::Scheme),
        }
        let host = url.host_str().unwrap_or("");
        if host.is_empty() {
            return Err(WebhookUrlProblem::NoHost);
        }
        if !url.username().is_empty() || url.password().is_some() {
            return Err(WebhookUrlProblem::Credentials);
        }
        let literal = host.trim_start_matches('[').trim_end_matches(']');
        if let Ok(ip) = literal.parse::<IpAddr>()
            && !self.may_reach(ip)
        {
            return Err(WebhookUrlProblem::NonPublicAddress);
        }
        Ok(url)
    }

    /// At creation, for a URL that passed [`Self::check_url`]: a host *name* must not be
    /// `localhost` and must not resolve only to addresses webhooks may not reach. (A name that
    /// does not resolve now is let through: delivery resolves it again through the same guard.)
    pub async fn check_host(&self, url: &Url) -> Result<(), WebhookUrlProblem> {
        self.check_host_with(url, |host, port| async move {
            let lookup = tokio::net::lookup_host((host.as_str(), port));
            match tokio::time::timeout(std::time::Duration::from_secs(3), lookup).await {
                Ok(Ok(addresses)) => addresses.map(|a| a.ip()).collect(),
                _ => Vec::new(),
            }
        })
        .await
    }

    /// [`Self::check_host`] with the resolver given (tests).
    pub async fn check_host_with<F, Fut>(
        &self,
        url: &Url,
        resolve: F,
    ) -> Result<(), WebhookUrlProblem>
    where
        F: FnOnce(String, u16) -> Fut,
        Fut: std::future::Future<Output = Vec<IpAddr>>,
    {
        let Some(url::Host::Domain(name)) = url.host() else {
            return Ok(());
        };
        let name = name.trim_end_matches('.').to_ascii_lowercase();
        if name == "localhost" || name.ends_with(".localhost") {
            return Err(WebhookUrlProblem::NonPublicHost);
        }
        let port = url.port_or_known_default().unwrap_or(443);
        let addresses = resolve(name, port).await;
        if !addresses.is_empty() && addresses.iter().all(|ip| !self.may_reach(*ip)) {
            return Err(WebhookUrlProblem::NonPublicHost);
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    #[test]
    fn private_and_special_addresses_are_refused() {
        for refused in [
            "127.0.0.1",
            "10.1.2.3",
            "172.16.0.1",
            "192.168.1.1",
            "169.254.169.254",
            "100.64.0.1",
            "224.0.0.1",
            "0.0.0.0",
            "255.255.255.255",
            "::1",
            "::",
            "fe80::1",
            "fd12::1",
            "ff02::1",
            "::ffff:127.0.0.1",
            "::ffff:10.0.0.1",
            "::127.0.0.1",
            "240.0.0.1",
        ] {
            assert!(!webhook_may_reach(ip(refused), &[]), "{refused}");
        }
        for allowed in [
            "93.184.216.34",
            "8.8.8.8",
            "2606:4700:4700::1111",
            "::ffff:8.8.8.8",
        ] {
            assert!(webhook_may_reach(ip(allowed), &[]), "{allowed}");
        }
    }

    #[test]
    fn allow_lists_open_exactly_their_blocks() {
        let allow = [
            Cidr::parse("127.0.0.1/32").unwrap(),
            Cidr::parse("10.0.0.0/8").unwrap(),
        ];
        assert!(webhook_may_reach(ip("127.0.0.1"), &allow));
        assert!(webhook_may_reach(ip("::ffff:127.0.0.1"), &allow));
        assert!(!webhook_may_reach(ip("127.0.0.2"), &allow));
        assert!(webhook_may_reach(ip("10.200.1.1"), &allow));
        assert!(Cidr::parse("10.0.0.0/33").is_none());
        assert!(Cidr::parse("not-an-ip").is_none());
        assert_eq!(
            Cidr::parse("::1"),
            Some(Cidr {
                network: ip("::1"),
                prefix: 128
            })
        );
    }

    #[test]
    fn webhook_urls_are_checked_for_scheme_host_credentials_and_literal_addresses() {
        let strict = WebhookPolicy::default();
        assert!(strict.check_url("https://hooks.example.com/x").is_ok());
        assert!(strict.check_url("https://93.184.216.34/x").is_ok());
        for (url, problem) in [
            ("not a url", WebhookUrlProblem::NotAUrl),
            ("http://hooks.example.com/x", WebhookUrlProblem::PlainHttp),
            ("ftp://hooks.example.com/x", WebhookUrlProblem::Scheme),
            (
                "https://user:pw@hooks.example.com/x",
                WebhookUrlProblem::Credentials,
            ),
            ("https://127.0.0.1/x", WebhookUrlProblem::NonPublicAddress),
            ("https://[::1]/x", WebhookUrlProblem::NonPublicAddress),
            (
                "https://[::ffff:10.0.0.1]/x",
                WebhookUrlProblem::NonPublicAddress,
            ),
            (
                "https://169.254.169.254/latest",
                WebhookUrlProblem::NonPublicAddress,
            ),
        ] {
            assert_eq!(strict.check_url(url), Err(problem), "{url}");
        }
        let local = WebhookPolicy {
            allow_http: true,
            allowed: vec![Cidr::parse("127.0.0.1/32").unwrap()],
        };
        assert!(local.check_url("http://127.0.0.1:9/hook").is_ok());
        assert_eq!(
            local.check_url("http://127.0.0.2:9/hook"),
            Err(WebhookUrlProblem::NonPublicAddress)
        );
    }

    #[test]
    fn tunnelled_and_translated_forms_of_refused_addresses_are_refused() {
        for refused in [
            "2002:7f00:1::1",                       // 6to4 of 127.0.0.1
            "2002:a00:1::",                         // 6to4 of 10.0.0.1
            "2002:a9fe:a9fe::1",                    // 6to4 of 169.254.169.254
            "2001:0:4136:e378:8000:63bf:3fff:fdd2", // Teredo
            "64:ff9b::a00:1",                       // NAT64 of 10.0.0.1
            "64:ff9b:1::7f00:1",                    // local-use NAT64
        ] {
            assert!(!webhook_may_reach(ip(refused), &[]), "{refused}");
        }
        assert!(
            webhook_may_reach(ip("2002:5db8:d822::1"), &[]),
            "6to4 of a public address"
        );
    }

    #[tokio::test]
    async fn host_names_are_checked_where_they_resolve() {
        let policy = WebhookPolicy::default();
        let check = |url: &str, answer: Vec<&str>| {
            let url = Url::parse(url).unwrap();
            let answer: Vec<IpAddr> = answer.into_iter().map(ip).collect();
            let policy = policy.clone();
            async move {
                policy
                    .check_host_with(&url, |_, _| async move { answer })
                    .await
            }
        };
        assert_eq!(
            check("https://localhost/x", vec!["93.184.216.34"]).await,
            Err(WebhookUrlProblem::NonPublicHost)
        );
        assert_eq!(
            check("https://a.b.localhost/x", vec![]).await,
            Err(WebhookUrlProblem::NonPublicHost)
        );
        assert_eq!(
            check("https://internal.example/x", vec!["10.1.2.3", "::1"]).await,
            Err(WebhookUrlProblem::NonPublicHost)
        );
        assert_eq!(
            check("https://mixed.example/x", vec!["10.1.2.3", "93.184.216.34"]).await,
            Ok(())
        );
        assert_eq!(check("https://unknown.example/x", vec![]).await, Ok(()));
        assert_eq!(
            check("https://93.184.216.34/x", vec!["10.0.0.1"]).await,
            Ok(()),
            "literals are check_url's"
        );
    }
}
