//! Which addresses a webhook may reach: the public internet only, unless the operator allows
//! private receivers (development, tests). Checked when an endpoint is registered (for literal
//! addresses) and by the sender on every address a name resolves to, at connect time, so a name
//! that resolves somewhere else later (DNS rebinding) does not pass either.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

/// Why an address is refused; `None` for a public one.
///
/// ```
/// use settlement_core::webhooks::address::refusal;
/// assert_eq!(refusal("127.0.0.1".parse().unwrap()), Some("loopback"));
/// assert_eq!(refusal("169.254.169.254".parse().unwrap()), Some("link-local (cloud metadata)"));
/// assert_eq!(refusal("::ffff:10.0.0.1".parse().unwrap()), Some("private"));
/// assert_eq!(refusal("93.184.215.14".parse().unwrap()), None);
/// ```
pub fn refusal(address: IpAddr) -> Option<&'static str> {
    match address {
        IpAddr::V4(v4) => refusal_v4(v4),
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => refusal_v4(v4),
            None => refusal_v6(v6),
        },
    }
}

fn refusal_v4(address: Ipv4Addr) -> Option<&'static str> {
    let [a, b, c, _] = address.octets();
    Some(match (a, b, c) {
        (127, ..) => "loopback",
        (10, ..) | (172, 16..=31, _) | (192, 168, _) => "private",
        (169, 254, _) => "link-local (cloud metadata)",
        (100, 64..=127, _) => "shared (carrier-grade NAT)",
        (0, ..) => "unspecified (this network)",
        (192, 0, 0) | (192, 0, 2) | (198, 51, 100) | (203, 0, 113) | (198, 18..=19, _) => "reserved",
        (224..=255, ..) => "multicast or reserved",
        _ => return None,
    })
}

fn refusal_v6(address: Ipv6Addr) -> Option<&'static str> {
    let first = address.segments()[0];
    Some(if address.is_loopback() {
        "loopback"
    } else if address.is_unspecified() {
        "unspecified"
    } else if first & 0xfe00 == 0xfc00 {
        "private (unique local)"
    } else if first & 0xffc0 == 0xfe80 {
        "link-local"
    } else if first & 0xff00 == 0xff00 {
        "multicast"
    } else if first == 0x2001 && address.segments()[1] == 0x0db8 {
        "reserved (documentation)"
    } else if address.segments()[..6] == [0x64, 0xff9b, 0, 0, 0, 0] {
        // NAT64: the IPv4 address it translates to decides.
        let [.., high, low] = address.segments();
        return refusal_v4(Ipv4Addr::from((u32::from(high) << 16) | u32::from(low)));
    } else {
        return None;
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn private_and_special_ranges_are_refused() {
        for address in [
            "10.1.2.3",
            "172.16.0.1",
            "172.31.255.255",
            "192.168.1.1",
            "100.64.0.1",
            "0.0.0.0",
            "255.255.255.255",
            "::1",
            "::",
            "fd00::1",
            "fe80::1",
            "64:ff9b::7f00:1",
        ] {
            assert!(refusal(address.parse().unwrap()).is_some(), "{address}");
        }
        for address in ["8.8.8.8", "172.32.0.1", "2606:4700::1111", "64:ff9b::808:808"] {
            assert_eq!(refusal(address.parse().unwrap()), None, "{address}");
        }
    }
}
