// Calls straight to Close (webhook subscriptions, event log, merge, search, lists) carry the
// credential's Close API Key. A credential saved before the key became required may hold none:
// such a call is stopped before it is sent, with the field to fill, instead of a bare 401 later.

import { ClientError } from '../clients/errors';
import type { HttpRequest, RequestFn } from '../clients/http';
import { underBase } from './underBase';

export const CLOSE_KEY_MISSING_MESSAGE =
	'The Close API Key of the SAP Open Connectors API credential is empty, and this step calls Close directly: fill in Close API Key in the credential (Close: Settings, Developer, API Keys)';

/** Whether the credential would send `url` to Close (the longer matching base wins, as in authenticate()). */
export function goesToClose(url: string, bases: { ocBaseUrl: string; closeBaseUrl: string }): boolean {
	const close = underBase(url, bases.closeBaseUrl);
	return close >= 0 && close >= underBase(url, bases.ocBaseUrl);
}

export function guardCloseKey(
	send: RequestFn,
	bases: { ocBaseUrl: string; closeBaseUrl: string },
	hasCloseApiKey: boolean,
): RequestFn {
	if (hasCloseApiKey) return send;
	return async (request: HttpRequest) => {
		if (goesToClose(request.url, bases)) throw new ClientError(CLOSE_KEY_MISSING_MESSAGE);
		return await send(request);
	};
}
