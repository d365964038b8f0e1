// The agent API and Cognito sign-in. The ID token lives in sessionStorage:
// closing the tab signs the agent out.
const SESSION = 'atiende.session';

export class ApiError extends Error {
  constructor(status, body) {
    super(body?.error?.message_key || `HTTP ${status}`);
    this.status = status;
    this.body = body;
  }
}

export function session() {
  try {
    const stored = JSON.parse(sessionStorage.getItem(SESSION) || 'null');
    return stored && stored.expires > Date.now() ? stored : null;
  } catch {
    return null;
  }
}

export function signOut() {
  sessionStorage.removeItem(SESSION);
}

let config = null;
export async function consoleConfig() {
  if (!config) config = await request('GET', '/api/console-config', undefined, false);
  return config;
}

export async function signIn(email, password) {
  const { cognito } = await consoleConfig();
  const response = await fetch(cognito.endpoint, {
    method: 'POST',
    headers: {
      'Content-Type': 'application/x-amz-json-1.1',
      'X-Amz-Target': 'AWSCognitoIdentityProviderService.InitiateAuth',
    },
    body: JSON.stringify({
      AuthFlow: 'USER_PASSWORD_AUTH',
      ClientId: cognito.client_id,
      AuthParameters: { USERNAME: email, PASSWORD: password },
    }),
  });
  const body = await response.json().catch(() => ({}));
  if (!response.ok || !body.AuthenticationResult) throw new ApiError(401, body);
  const result = body.AuthenticationResult;
  const stored = { token: result.IdToken, expires: Date.now() + (result.ExpiresIn - 60) * 1000 };
  sessionStorage.setItem(SESSION, JSON.stringify(stored));
  return stored;
}

export async function request(method, path, body, authenticated = true) {
  const headers = { Accept: 'application/json' };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (authenticated) {
    const current = session();
    if (!current) throw new ApiError(401, null);
    headers.Authorization = `Bearer ${current.token}`;
  }
  const response = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const answer = await response.json().catch(() => null);
  if (response.status === 401) signOut();
  if (!response.ok) throw new ApiError(response.status, answer);
  return answer;
}

// A file's bytes (message attachments, for previews); errors still answer JSON
export async function requestBytes(path) {
  const current = session();
  if (!current) throw new ApiError(401, null);
  const headers = { Accept: 'application/octet-stream', Authorization: `Bearer ${current.token}` };
  const response = await fetch(path, { method: 'GET', headers });
  if (response.status === 401) signOut();
  if (!response.ok) throw new ApiError(response.status, await response.json().catch(() => null));
  return response.arrayBuffer();
}

const attachmentPath = (ticketId, messageId, index) =>
  `/api/tickets/${encodeURIComponent(ticketId)}/messages/${encodeURIComponent(messageId)}/attachments/${encodeURIComponent(index)}`;

export const api = {
  me: () => request('GET', '/api/me'),
  whatsappTemplates: () => request('GET', '/api/whatsapp-templates'),
  // a message's file (index 0, 1… or 'original'): bytes up to 4 MB, or a download link valid 5 minutes
  attachmentBytes: (ticketId, messageId, index) => requestBytes(attachmentPath(ticketId, messageId, index)),
  attachmentLink: (ticketId, messageId, index) => request('GET', `${attachmentPath(ticketId, messageId, index)}/link`),
  // a file for an e-mail reply ({filename, content_type, data: base64}); the reply names it by its key
  upload: (ticketId, file) => request('POST', `/api/tickets/${encodeURIComponent(ticketId)}/attachments`, file),
  agents: () => request('GET', '/api/agents'),
  macros: () => request('GET', '/api/macros'),
  groups: () => request('GET', '/api/groups'),
  ticketFields: () => request('GET', '/api/ticket-fields'),
  // administration (the server refuses these to anyone but an admin)
  invite: (agent) => request('POST', '/api/agents', agent),
  changeAgent: (id, changes) => request('PATCH', `/api/agents/${encodeURIComponent(id)}`, changes),
  saveGroup: (group) => request('PUT', `/api/groups/${encodeURIComponent(group.id)}`, group),
  saveTicketFields: (setup) => request('PUT', '/api/ticket-fields', setup),
  saveMacro: (macro) => request('PUT', `/api/macros/${encodeURIComponent(macro.id)}`, macro),
  deleteMacro: (id) => request('DELETE', `/api/macros/${encodeURIComponent(id)}`),
  audit: (month) => request('GET', `/api/audit${month ? `?${new URLSearchParams({ month })}` : ''}`),
  applyMacro: (id, macro) =>
    request('POST', `/api/tickets/${encodeURIComponent(id)}/macros/${encodeURIComponent(macro)}`),
  search: (q) => request('GET', `/api/search?${new URLSearchParams({ q })}`),
  tickets: (params) => request('GET', `/api/tickets?${new URLSearchParams(params)}`),
  contact: (id) => request('GET', `/api/contacts/${encodeURIComponent(id)}`),
  changeContact: (id, changes) => request('PATCH', `/api/contacts/${encodeURIComponent(id)}`, changes),
  // supervisors and admins: the duplicate's identities, tickets and open conversations move to `id`
  mergeContact: (id, source) => request('POST', `/api/contacts/${encodeURIComponent(id)}/merge`, { source_id: source }),
  // admins: a contact's personal data on request (export, or erase confirmed by the contact's id)
  exportContact: (id) => request('GET', `/api/contacts/${encodeURIComponent(id)}/export`),
  eraseContact: (id, confirm) => request('POST', `/api/contacts/${encodeURIComponent(id)}/erase`, { confirm }),
  mergeTicket: (id, source) => request('POST', `/api/tickets/${encodeURIComponent(id)}/merge`, { source_id: source }),
  availability: (available) => request('PUT', '/api/me/availability', { available }),
  thread: (id) => request('GET', `/api/tickets/${encodeURIComponent(id)}`),
  update: (id, changes) => request('PATCH', `/api/tickets/${encodeURIComponent(id)}`, changes),
  reply: (id, draft) => request('POST', `/api/tickets/${encodeURIComponent(id)}/replies`, draft),
  note: (id, draft) => request('POST', `/api/tickets/${encodeURIComponent(id)}/notes`, draft),
  changes: (since) => request('GET', `/api/changes${since ? `?${new URLSearchParams({ since })}` : ''}`),
  notifications: () => request('GET', '/api/notifications'),
  readNotifications: (through) => request('POST', '/api/notifications/read', { through }),
  present: (id, activity) => request('PUT', `/api/tickets/${encodeURIComponent(id)}/presence`, { activity }),
  leave: (id) => request('DELETE', `/api/tickets/${encodeURIComponent(id)}/presence`),
  acknowledge: (id, breach) =>
    request('POST', `/api/tickets/${encodeURIComponent(id)}/breaches/${encodeURIComponent(breach)}/acknowledge`),
};
