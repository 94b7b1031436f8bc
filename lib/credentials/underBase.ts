// Which secret a request gets depends on the base URL it goes under: the credential's
// authenticate() and the Close key guard ask the same question, here.

/**
 * Length of `base` (trailing slashes aside) when `url` is under it on a path boundary, compared
 * without case; -1 when it is not. The longer match wins when both bases match.
 */
export function underBase(url: string, base: string): number {
	let end = base.length;
	while (end > 0 && base.charCodeAt(end - 1) === 0x2f) end--;
	if (end === 0) return -1;
	const trimmed = end === base.length ? base : base.slice(0, end);
	// Every request passes here: the common case (the URL built from this very base) without
	// lower-casing the whole URL.
	if (url.startsWith(trimmed) && isBoundary(url.charAt(end))) return end;
	const lowerUrl = url.toLowerCase();
	const lowerBase = trimmed.toLowerCase();
	if (!lowerUrl.startsWith(lowerBase)) return -1;
	return isBoundary(lowerUrl.charAt(lowerBase.length)) ? lowerBase.length : -1;
}

function isBoundary(next: string): boolean {
	return next === '' || next === '/' || next === '?' || next === '#';
}
