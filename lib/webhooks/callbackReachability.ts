// Whether a provider on the internet can reach a webhook URL at all. A callback on `localhost`, a
// loopback, private (RFC 1918), shared (RFC 6598), link-local or unique-local (fc00::/7) address
// is never reached by Close or Open Connectors: activation would succeed and no event would ever
// arrive, with nothing said. Plain http is NOT refused: Close only recommends https (its webhooks
// reference: "We recommend using https") and SAP Open Connectors documents no such requirement.
// The one exception is a sender that is itself on a loopback address (the local sandbox): it can
// reach a loopback n8n, and no real provider has such a base URL, so it is no bypass for real users.

export type Unreachable = { reachable: true } | { reachable: false; why: string };

function ipv4Parts(host: string): number[] | undefined {
	if (!/^\d{1,3}(?:\.\d{1,3}){3}$/.test(host)) return undefined;
	const parts = host.split('.').map(Number);
	return parts.every((p) => p <= 255) ? parts : undefined;
}

function ipv4Kind(parts: number[]): string | undefined {
	const [a, b] = parts;
	if (a === 127) return 'a loopback address';
	if (a === 0) return 'an unspecified address';
	if (a === 10 || (a === 172 && b >= 16 && b <= 31) || (a === 192 && b === 168)) return 'a private address (RFC 1918)';
	if (a === 100 && b >= 64 && b <= 127) return 'a shared address (RFC 6598)';
	if (a === 169 && b === 254) return 'a link-local address';
	return undefined;
}

function ipv6Kind(host: string): string | undefined {
	const h = host.toLowerCase();
	if (h === '::1') return 'a loopback address';
	if (h === '::') return 'an unspecified address';
	// IPv4-mapped (::ffff:a.b.c.d, or as WHATWG URL writes it, ::ffff:7f00:1)
	const mapped = /^::ffff:(?:(\d+\.\d+\.\d+\.\d+)|([0-9a-f]{1,4}):([0-9a-f]{1,4}))$/.exec(h);
	if (mapped) {
		const parts = mapped[1]
			? ipv4Parts(mapped[1])
			: [parseInt(mapped[2], 16) >> 8, parseInt(mapped[2], 16) & 255, parseInt(mapped[3], 16) >> 8, parseInt(mapped[3], 16) & 255];
		return parts ? ipv4Kind(parts) : undefined;
	}
	const first = parseInt(h.split(':')[0] || '0', 16);
	if ((first & 0xfe00) === 0xfc00) return 'a unique local address (fc00::/7)';
	if ((first & 0xffc0) === 0xfe80) return 'a link-local address';
	return undefined;
}

/** What kind of non-public host a URL names, or undefined when it may be public. */
export function privateHostKind(url: string): string | undefined {
	let host: string;
	try {
		host = new URL(url).hostname.toLowerCase();
	} catch {
		return 'no valid URL';
	}
	if (host.startsWith('[') && host.endsWith(']')) return ipv6Kind(host.slice(1, -1));
	if (host === 'localhost' || host.endsWith('.localhost') || host === 'localhost.localdomain') return '`localhost`';
	const v4 = ipv4Parts(host);
	if (v4) return ipv4Kind(v4);
	return undefined;
}

/** A sender on loopback (the local sandbox) can reach a loopback callback: only then is it allowed. */
function isLoopback(url: string): boolean {
	const kind = privateHostKind(url);
	return kind === 'a loopback address' || kind === '`localhost`';
}

/**
 * Whether `senderBaseUrl`'s provider can reach `callbackUrl`. Private and link-local callbacks are
 * refused even for a loopback sender unless the callback is loopback too.
 */
export function callbackReachability(callbackUrl: string, senderBaseUrl: string): Unreachable {
	const kind = privateHostKind(callbackUrl);
	if (kind === undefined) return { reachable: true };
	if (isLoopback(senderBaseUrl) && isLoopback(callbackUrl)) return { reachable: true };
	return { reachable: false, why: kind };
}
