//! Who is asking, and how often they may: the client's address (behind trusted proxies only) and
//! the in-memory limits on guessing codes and starting reflections. Addresses are used as limiter
//! keys in memory only and never stored or logged.
use std::collections::HashMap;
use std::net::IpAddr;
use std::num::NonZeroU32;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use crate::error::{AppError, AppResult};

/// Proxies whose `X-Forwarded-For` is believed (`REFLECT_TRUSTED_PROXIES`: addresses or CIDR
/// ranges, comma-separated, e.g. `127.0.0.1, 10.0.0.0/8`). Empty: the peer address is the client.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TrustedProxies(Vec<(IpAddr, u8)>);

impl TrustedProxies {
    /// Parses the list; an entry that is not an address or a range is an error naming it.
    pub fn parse(list: &str) -> Result<Self, String> {
        let mut out = Vec::new();
        for entry in list.split(',').map(str::trim).filter(|e| !e.is_empty()) {
            let (addr, bits) = match entry.split_once('/') {
                Some((a, b)) => (a, Some(b)),
                None => (entry, None),
            };
            let ip: IpAddr = addr
                .parse()
                .map_err(|_| format!("“{entry}” is not an IP address or a CIDR range"))?;
            let max = if ip.is_ipv4() { 32 } else { 128 };
            let bits = match bits {
                None => max,
                Some(b) => b
                    .parse::<u8>()
                    .ok()
                    .filter(|b| *b <= max)
                    .ok_or_else(|| format!("“{entry}”: the prefix length is 0 to {max}"))?,
            };
            out.push((ip, bits));
        }
        Ok(Self(out))
    }

    pub fn contains(&self, ip: IpAddr) -> bool {
        self.0.iter().any(|(net, bits)| in_range(ip, *net, *bits))
    }
}

fn in_range(ip: IpAddr, net: IpAddr, bits: u8) -> bool {
    let (ip, net, width) = match (ip.to_canonical(), net.to_canonical()) {
        (IpAddr::V4(a), IpAddr::V4(b)) => (u128::from(a.to_bits()), u128::from(b.to_bits()), 32),
        (IpAddr::V6(a), IpAddr::V6(b)) => (a.to_bits(), b.to_bits(), 128),
        _ => return false,
    };
    if bits == 0 {
        return true;
    }
    let shift = width - u32::from(bits);
    ip >> shift == net >> shift
}

/// The client's address: the peer's, unless the peer is a trusted proxy; then the right-most
/// address of `X-Forwarded-For` that is not a trusted proxy (the one the last trusted proxy saw).
/// An unreadable header entry stops the walk at the proxy that sent it.
pub fn client_address(peer: IpAddr, forwarded_for: &[&str], trusted: &TrustedProxies) -> IpAddr {
    let mut client = peer;
    if !trusted.contains(peer) {
        return client;
    }
    let hops = forwarded_for
        .iter()
        .flat_map(|h| h.split(','))
        .map(str::trim)
        .collect::<Vec<_>>();
    for hop in hops.into_iter().rev() {
        match hop.parse::<IpAddr>() {
            Ok(ip) => {
                client = ip;
                if !trusted.contains(ip) {
                    break;
                }
            }
            Err(_) => break,
        }
    }
    client
}

fn quota(every: Duration, burst: u32) -> governor::Quota {
    governor::Quota::with_period(every)
        .unwrap_or_else(|| governor::Quota::per_second(NonZeroU32::MIN))
        .allow_burst(NonZeroU32::new(burst).unwrap_or(NonZeroU32::MIN))
}

fn keyed(q: governor::Quota) -> governor::DefaultKeyedRateLimiter<String> {
    governor::RateLimiter::keyed(q)
}

fn check(limiter: &governor::DefaultKeyedRateLimiter<String>, key: &str) -> bool {
    if limiter.len() > 10_000 {
        limiter.retain_recent();
    }
    limiter.check_key(&key.to_string()).is_ok()
}

/// Wrong codes per client: 20 at once, then one every 6 seconds; a client over the limit is
/// refused every code (right or wrong) for a minute, so the code space cannot be walked. Used for
/// workshop codes and school codes, each with its own limiter and message.
pub struct WrongCodes {
    wrong: governor::DefaultKeyedRateLimiter<String>,
    blocked: Mutex<HashMap<String, Instant>>,
    message: &'static str,
}

pub const BLOCK: Duration = Duration::from_secs(60);

impl WrongCodes {
    pub fn new(message: &'static str) -> Self {
        Self {
            wrong: keyed(quota(Duration::from_secs(6), 20)),
            blocked: Mutex::new(HashMap::new()),
            message,
        }
    }

    fn too_many(&self) -> AppError {
        AppError::TooManyRequests(self.message.into())
    }

    /// Refuses a client that is blocked.
    pub fn check_blocked(&self, client: &str) -> AppResult<()> {
        let mut blocked = self.blocked.lock().map_err(|_| AppError::Internal)?;
        let now = Instant::now();
        blocked.retain(|_, until| *until > now);
        if blocked.contains_key(client) {
            return Err(self.too_many());
        }
        Ok(())
    }

    /// Counts a wrong code: `error` itself, or "too many" once the client is over the limit.
    pub fn wrong(&self, client: &str, error: AppError) -> AppError {
        if check(&self.wrong, client) {
            return error;
        }
        if let Ok(mut blocked) = self.blocked.lock() {
            blocked.insert(client.to_string(), Instant::now() + BLOCK);
        }
        self.too_many()
    }
}

/// New reflections per client (120 at once, then one a second: a workshop of thirty phones behind
/// one school address starts at once), per school code (60 at once, then one every 30 seconds:
/// a school's staff starts over days; someone adding made-up respondents to a school is slowed to
/// 120 an hour) and per client in one workshop room (10 at once, then one every 2 seconds: the
/// phones of a room behind one address join within a minute, while one participant cannot flood
/// the room's poll and words with made-up participants faster than people walk in). The defence
/// that closes the gap is one-time invitations (see docs/privacy.md).
pub struct StartLimiter {
    per_client: governor::DefaultKeyedRateLimiter<String>,
    per_school: governor::DefaultKeyedRateLimiter<String>,
    per_room: governor::DefaultKeyedRateLimiter<String>,
}

/// New participants one client may add to one room at once, and then one per `ROOM_EVERY`.
pub const ROOM_BURST: u32 = 10;
pub const ROOM_EVERY: Duration = Duration::from_secs(2);

impl Default for StartLimiter {
    fn default() -> Self {
        Self {
            per_client: keyed(quota(Duration::from_secs(1), 120)),
            per_school: keyed(quota(Duration::from_secs(30), 60)),
            per_room: keyed(quota(ROOM_EVERY, ROOM_BURST)),
        }
    }
}

impl StartLimiter {
    pub fn client(&self, client: &str) -> AppResult<()> {
        if check(&self.per_client, client) {
            return Ok(());
        }
        Err(AppError::TooManyRequests(
            "Too many new reflections from this device. Wait a minute and try again.".into(),
        ))
    }

    /// A new participant from `client` in the workshop `room` (its id).
    pub fn room(&self, client: &str, room: &str) -> AppResult<()> {
        if check(&self.per_room, &format!("{room}\u{1f}{client}")) {
            return Ok(());
        }
        Err(AppError::TooManyRequests(
            "Many people are joining this workshop from your network just now. Wait a few seconds and press Start again."
                .into(),
        ))
    }

    pub fn school(&self, school_id: &str) -> AppResult<()> {
        if check(&self.per_school, school_id) {
            return Ok(());
        }
        Err(AppError::TooManyRequests(
            "Very many reflections were started with this school code just now. Wait a minute and try again."
                .into(),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    #[test]
    fn forwarded_for_counts_only_behind_a_trusted_proxy() {
        let none = TrustedProxies::default();
        let proxies = TrustedProxies::parse("127.0.0.1, 10.0.0.0/8, ::1").unwrap();
        // no trusted proxy: the header is whatever the client wrote
        assert_eq!(
            client_address(ip("203.0.113.9"), &["1.2.3.4"], &none),
            ip("203.0.113.9")
        );
        // a peer that is not a proxy cannot choose its address
        assert_eq!(
            client_address(ip("203.0.113.9"), &["1.2.3.4"], &proxies),
            ip("203.0.113.9")
        );
        // behind the proxy: the right-most address that is not a proxy
        assert_eq!(
            client_address(
                ip("127.0.0.1"),
                &["6.6.6.6, 198.51.100.7, 10.1.2.3"],
                &proxies
            ),
            ip("198.51.100.7")
        );
        assert_eq!(
            client_address(ip("127.0.0.1"), &["6.6.6.6", "198.51.100.7"], &proxies),
            ip("198.51.100.7")
        );
        // no header, or a garbled one: the proxy itself
        assert_eq!(client_address(ip("::1"), &[], &proxies), ip("::1"));
        assert_eq!(
            client_address(ip("127.0.0.1"), &["x\u{0}y"], &proxies),
            ip("127.0.0.1")
        );
    }

    #[test]
    fn proxy_lists_are_checked() {
        assert!(TrustedProxies::parse("").unwrap().0.is_empty());
        assert!(TrustedProxies::parse("10.0.0.0/33").is_err());
        assert!(TrustedProxies::parse("localhost").is_err());
        let p = TrustedProxies::parse("192.168.0.0/16,2001:db8::/32").unwrap();
        assert!(p.contains(ip("192.168.7.1")) && !p.contains(ip("192.169.0.1")));
        assert!(p.contains(ip("2001:db8::5")) && !p.contains(ip("2001:db9::5")));
        assert!(p.contains(ip("::ffff:192.168.1.1")), "IPv4 mapped in IPv6");
    }

    #[test]
    fn a_room_takes_ten_new_participants_from_one_client_at_once() {
        let l = StartLimiter::default();
        for _ in 0..ROOM_BURST {
            assert!(l.room("a", "room-1").is_ok());
        }
        assert!(matches!(
            l.room("a", "room-1"),
            Err(AppError::TooManyRequests(_))
        ));
        assert!(l.room("b", "room-1").is_ok(), "per client");
        assert!(l.room("a", "room-2").is_ok(), "per room");
    }

    #[test]
    fn wrong_codes_block_after_twenty() {
        let w = WrongCodes::new("too many");
        for _ in 0..20 {
            assert_eq!(
                w.wrong("a", AppError::invalid("wrong")),
                AppError::invalid("wrong")
            );
        }
        assert_eq!(
            w.wrong("a", AppError::invalid("wrong")),
            AppError::TooManyRequests("too many".into())
        );
        assert!(w.check_blocked("a").is_err());
        assert!(w.check_blocked("b").is_ok(), "per client");
    }
}
