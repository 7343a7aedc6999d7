//! The caller's network address, as the audit log and the log-in throttle see it.

/// The caller's address. Without trusted proxies it is the socket peer. When the peer is a trusted
/// proxy, `X-Forwarded-For` is read from the right: each trusted hop appended the address it saw, so
/// the first address from the right that is not a trusted proxy is the client — entries to its left
/// were written by the client itself and are never believed. A malformed entry stops the walk there.
pub fn client_addr(
    peer: Option<std::net::IpAddr>,
    forwarded_for: &[&str],
    trusted: &[ipnet::IpNet],
) -> Option<std::net::IpAddr> {
    let is_trusted = |ip: &std::net::IpAddr| trusted.iter().any(|n| n.contains(ip));
    let mut client = peer?;
    if !is_trusted(&client) {
        return Some(client);
    }
    let hops = forwarded_for.iter().flat_map(|h| h.split(',')).map(str::trim).collect::<Vec<_>>();
    for hop in hops.into_iter().rev() {
        let Ok(ip) = hop.parse::<std::net::IpAddr>() else { break };
        client = ip;
        if !is_trusted(&ip) {
            break;
        }
    }
    Some(client)
}

pub fn client_ip(req: &axum::extract::Request, trusted: &[ipnet::IpNet]) -> Option<String> {
    let peer = req.extensions().get::<axum::extract::ConnectInfo<std::net::SocketAddr>>().map(|ci| ci.0.ip());
    let xff: Vec<&str> = if trusted.is_empty() {
        Vec::new()
    } else {
        req.headers().get_all("x-forwarded-for").iter().filter_map(|v| v.to_str().ok()).collect()
    };
    client_addr(peer, &xff, trusted).map(|ip| ip.to_canonical().to_string())
}

#[cfg(test)]
mod tests {
    use super::client_addr;

    fn ip(s: &str) -> std::net::IpAddr {
        s.parse().unwrap()
    }

    #[test]
    fn the_client_is_the_right_most_untrusted_hop() {
        let trusted: Vec<ipnet::IpNet> = vec!["10.0.0.0/8".parse().unwrap(), "127.0.0.1/32".parse().unwrap()];
        let peer = Some(ip("10.0.0.2"));
        // The client wrote "6.6.6.6" itself; the proxy appended the address it saw.
        assert_eq!(client_addr(peer, &["6.6.6.6, 203.0.113.9"], &trusted), Some(ip("203.0.113.9")));
        // Two proxies in a row are both skipped.
        assert_eq!(client_addr(peer, &["6.6.6.6, 203.0.113.9, 10.1.1.1"], &trusted), Some(ip("203.0.113.9")));
        // Several header lines count as one list, in order.
        assert_eq!(client_addr(peer, &["6.6.6.6", "203.0.113.9"], &trusted), Some(ip("203.0.113.9")));
        // An untrusted peer's header is ignored.
        assert_eq!(client_addr(Some(ip("198.51.100.1")), &["10.0.0.9"], &trusted), Some(ip("198.51.100.1")));
        // Garbage stops the walk at the last hop that could be read.
        assert_eq!(client_addr(peer, &["6.6.6.6, <script>, 10.0.0.3"], &trusted), Some(ip("10.0.0.3")));
        // No header: the proxy itself.
        assert_eq!(client_addr(peer, &[], &trusted), Some(ip("10.0.0.2")));
        // No trust configured: always the peer.
        assert_eq!(client_addr(peer, &["203.0.113.9"], &[]), Some(ip("10.0.0.2")));
    }
}
