// The agent API and Cognito sign-in. The tokens live in sessionStorage: closing
// the tab signs the agent out. The ID token is refreshed with Cognito's refresh
// token a few minutes before it expires (and when the API answers 401), so a
// session lasts a shift; after an idle time the console signs out and revokes
// the refresh token.
const SESSION = 'atiende.session';
const REFRESH_AHEAD_MS = 5 * 60 * 1000;
const DEFAULT_IDLE_MINUTES = 720;
// The console listens for this to show the sign-in page (expired session, idle, sign-out)
export const SIGNED_OUT = 'atiende-signed-out';

export class ApiError extends Error {
  constructor(status, body) {
    super(body?.error?.message_key || `HTTP ${status}`);
    this.status = status;
    this.body = body;
  }
}

// What Cognito refused: `code` is its exception's name (CodeMismatchException…)
export class CognitoError extends ApiError {
  constructor(status, body) {
    super(status, body);
    this.code = String(body?.__type || '').split('#').pop() || 'UnknownError';
    this.detail = body?.message || body?.Message || '';
  }
}

function stored() {
  try {
    return JSON.parse(sessionStorage.getItem(SESSION) || 'null');
  } catch {
    return null;
  }
}

function keep(value) {
  sessionStorage.setItem(SESSION, JSON.stringify(value));
}

// The signed-in session, while its ID token is valid or can still be refreshed
export function session() {
  const current = stored();
  if (!current?.token) return null;
  return current.expires > Date.now() || current.refresh ? current : null;
}

let config = null;
export async function consoleConfig() {
  if (!config) config = await request('GET', '/api/console-config', undefined, false);
  return config;
}

const WITHOUT_CLIENT = new Set(['GlobalSignOut', 'AssociateSoftwareToken', 'VerifySoftwareToken', 'SetUserMFAPreference']);

// One Cognito call (the pool's public API: no AWS credentials, only the client id)
export async function cognito(action, payload) {
  const { cognito: where } = await consoleConfig();
  const response = await fetch(where.endpoint, {
    method: 'POST',
    headers: {
      'Content-Type': 'application/x-amz-json-1.1',
      'X-Amz-Target': `AWSCognitoIdentityProviderService.${action}`,
    },
    body: JSON.stringify(WITHOUT_CLIENT.has(action) ? payload : { ClientId: where.client_id, ...payload }),
  });
  const body = await response.json().catch(() => ({}));
  if (!response.ok) throw new CognitoError(response.status, body);
  return body;
}

function started(result, username) {
  const value = {
    token: result.IdToken,
    access: result.AccessToken,
    refresh: result.RefreshToken,
    username,
    expires: Date.now() + (result.ExpiresIn || 3600) * 1000,
    active: Date.now(),
  };
  keep(value);
  return value;
}

// What Cognito answered to a sign-in step: signed in, or the next challenge
// ({challenge, session, username, parameters}) the sign-in page asks for.
function outcome(body, username) {
  if (body.AuthenticationResult) {
    started(body.AuthenticationResult, username);
    return { signedIn: true };
  }
  if (body.ChallengeName) {
    const parameters = body.ChallengeParameters || {};
    return { challenge: body.ChallengeName, session: body.Session, username: parameters.USER_ID_FOR_SRP || username, parameters };
  }
  throw new CognitoError(401, body);
}

export async function signIn(email, password) {
  const body = await cognito('InitiateAuth', {
    AuthFlow: 'USER_PASSWORD_AUTH',
    AuthParameters: { USERNAME: email, PASSWORD: password },
  });
  return outcome(body, email);
}

// The answer to a challenge: NEW_PASSWORD_REQUIRED ({NEW_PASSWORD}),
// SOFTWARE_TOKEN_MFA ({SOFTWARE_TOKEN_MFA_CODE}) or MFA_SETUP ({})
export async function answerChallenge(step, responses) {
  const body = await cognito('RespondToAuthChallenge', {
    ChallengeName: step.challenge,
    Session: step.session,
    ChallengeResponses: { USERNAME: step.username, ...responses },
  });
  return outcome(body, step.username);
}

export const forgotPassword = (email) => cognito('ForgotPassword', { Username: email });
export const confirmForgotPassword = (email, code, password) =>
  cognito('ConfirmForgotPassword', { Username: email, ConfirmationCode: code, Password: password });

// A new ID token from the refresh token; false when Cognito refuses it
let refreshing = null;
export function refreshSession() {
  if (!refreshing) {
    refreshing = (async () => {
      const current = stored();
      if (!current?.refresh) return false;
      try {
        const body = await cognito('InitiateAuth', {
          AuthFlow: 'REFRESH_TOKEN_AUTH',
          AuthParameters: { REFRESH_TOKEN: current.refresh },
        });
        const result = body.AuthenticationResult;
        if (!result?.IdToken) return false;
        keep({
          ...stored(), token: result.IdToken, access: result.AccessToken || current.access,
          refresh: result.RefreshToken || current.refresh, expires: Date.now() + (result.ExpiresIn || 3600) * 1000,
        });
        return true;
      } catch (problem) {
        // signed out elsewhere or revoked; a network failure leaves the session as it is
        if (problem instanceof CognitoError) return false;
        throw problem;
      }
    })().finally(() => { refreshing = null; });
  }
  return refreshing;
}

// Where the unsent replies and notes wait, per agent and ticket (pages/ticket/composer.js)
export const DRAFTS = 'atiende.draft.';

// "Sign out", chosen by the agent (perhaps on a shared computer): their unsent
// drafts go too; a session that expires or idles out keeps them for the next sign-in
export function signOutHere() {
  try {
    Object.keys(localStorage).filter((key) => key.startsWith(DRAFTS)).forEach((key) => localStorage.removeItem(key));
  } catch {
    // storage refused: nothing was kept either
  }
  signOut();
}

// Signing out forgets the tokens at once and asks Cognito to end the refresh
// token (RevokeToken; GlobalSignOut where that is unavailable)
export function signOut() {
  const current = stored();
  sessionStorage.removeItem(SESSION);
  if (current?.refresh) {
    cognito('RevokeToken', { Token: current.refresh })
      .catch(() => current.access && cognito('GlobalSignOut', { AccessToken: current.access }))
      .catch(() => {});
  }
  dispatchEvent(new Event(SIGNED_OUT));
}

// An ID token good for the next minutes (refreshed first if needed), or null
export async function freshToken() {
  const current = session();
  if (!current) return null;
  if (current.expires - Date.now() > REFRESH_AHEAD_MS) return current.token;
  if (await refreshSession()) return stored().token;
  return current.expires > Date.now() ? current.token : null;
}

// The agent did something: the idle clock starts again (written at most every 30 s)
export function touch() {
  const current = stored();
  if (current && Date.now() - (current.active || 0) > 30000) keep({ ...current, active: Date.now() });
}

// While signed in: refresh ahead of expiry and sign out after the idle time
// (`idle_sign_out_minutes` from /api/console-config, 12 h by default)
export function watchSession() {
  const events = ['pointerdown', 'keydown'];
  events.forEach((name) => addEventListener(name, touch, { passive: true }));
  const check = async () => {
    const current = stored();
    if (!current) return;
    const minutes = Number((config || {}).idle_sign_out_minutes) || DEFAULT_IDLE_MINUTES;
    if (Date.now() - (current.active || Date.now()) > minutes * 60000) {
      signOut();
      return;
    }
    if (current.expires - Date.now() <= REFRESH_AHEAD_MS) {
      const renewed = await refreshSession().catch(() => true);
      if (!renewed && !(stored()?.expires > Date.now())) signOut();
    }
  };
  const timer = setInterval(check, 30000);
  consoleConfig().catch(() => {}).then(check); // the idle time the server names, if any
  return () => {
    clearInterval(timer);
    events.forEach((name) => removeEventListener(name, touch));
  };
}

export async function request(method, path, body, authenticated = true, retried = false) {
  const headers = { Accept: 'application/json' };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (authenticated) {
    const token = await freshToken();
    if (!token) {
      if (stored()) signOut();
      throw new ApiError(401, null);
    }
    headers.Authorization = `Bearer ${token}`;
  }
  const response = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const answer = await response.json().catch(() => null);
  if (response.status === 401 && authenticated) {
    // the ID token was refused: refresh once and try again, else the session is over
    if (!retried && (await refreshSession().catch(() => false))) return request(method, path, body, true, true);
    signOut();
  }
  if (!response.ok) throw new ApiError(response.status, answer);
  return answer;
}

// A file's bytes (message attachments, for previews); errors still answer JSON
export async function requestBytes(path, retried = false) {
  const token = await freshToken();
  if (!token) throw new ApiError(401, null);
  const headers = { Accept: 'application/octet-stream', Authorization: `Bearer ${token}` };
  const response = await fetch(path, { method: 'GET', headers });
  if (response.status === 401) {
    if (!retried && (await refreshSession().catch(() => false))) return requestBytes(path, true);
    signOut();
  }
  if (!response.ok) throw new ApiError(response.status, await response.json().catch(() => null));
  return response.arrayBuffer();
}

// MFA from the agent's own menu (with the access token)
export const mfa = {
  associate: () => cognito('AssociateSoftwareToken', { AccessToken: stored()?.access }),
  verify: (code) => cognito('VerifySoftwareToken', { AccessToken: stored()?.access, UserCode: code, FriendlyDeviceName: 'Atiende' }),
  enable: () => cognito('SetUserMFAPreference', {
    AccessToken: stored()?.access,
    SoftwareTokenMfaSettings: { Enabled: true, PreferredMfa: true },
  }),
};

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
  // API keys: the list (never the keys), a new one (its key in this answer only), a revocation
  apiKeys: () => request('GET', '/api/api-keys'),
  createApiKey: (key) => request('POST', '/api/api-keys', key),
  revokeApiKey: (id) => request('POST', `/api/api-keys/${encodeURIComponent(id)}/revoke`),
  rules: () => request('GET', '/api/rules'),
  saveRules: (ruleSet) => request('PUT', '/api/rules', ruleSet),
  testRule: (trial) => request('POST', '/api/rules/test', trial),
  // the support addresses and WhatsApp numbers; a save sends the version it read (409: someone saved first)
  channels: () => request('GET', '/api/channels'),
  saveChannels: (setup) => request('PUT', '/api/channels', setup),
  slaSetup: () => request('GET', '/api/sla-setup'),
  saveSlaSetup: (setup) => request('PUT', '/api/sla-setup', setup),
  slaPreview: (draft) => request('POST', '/api/sla-setup/preview', draft),
  holidays: (country, year, language) => request('GET', `/api/holidays?${new URLSearchParams({ country, year, language })}`),
  saveWhatsappTemplates: (catalog) => request('PUT', '/api/whatsapp-templates', catalog),
  deadLetters: () => request('GET', '/api/dead-letters'),
  redrive: (queue) => request('POST', `/api/dead-letters/${encodeURIComponent(queue)}/redrive`),
  // outgoing webhooks: a generated secret comes back once, in addWebhook's answer
  webhooks: () => request('GET', '/api/webhooks'),
  addWebhook: (endpoint) => request('POST', '/api/webhooks', endpoint),
  changeWebhook: (id, changes) => request('PATCH', `/api/webhooks/${encodeURIComponent(id)}`, changes),
  deleteWebhook: (id) => request('DELETE', `/api/webhooks/${encodeURIComponent(id)}`),
  pingWebhook: (id) => request('POST', `/api/webhooks/${encodeURIComponent(id)}/ping`),
  webhookDeliveries: (id) => request('GET', `/api/webhooks/${encodeURIComponent(id)}/deliveries`),
  setAside: (month) => request('GET', `/api/set-aside?${new URLSearchParams({ month })}`),
  setAsideMail: (id, receivedAt) =>
    request('GET', `/api/set-aside/${encodeURIComponent(id)}?${new URLSearchParams({ received_at: receivedAt })}`),
  takeIn: (id, receivedAt) => request('POST', `/api/set-aside/${encodeURIComponent(id)}/ticket`, { received_at: receivedAt }),
  signInPolicy: () => request('GET', '/api/sign-in-policy'),
  saveSignInPolicy: (policy) => request('PUT', '/api/sign-in-policy', policy),
  audit: (month) => request('GET', `/api/audit${month ? `?${new URLSearchParams({ month })}` : ''}`),
  // the follow-up queue: entries by state; assign, close with the outcome (on the version read)
  followUps: (state) => request('GET', `/api/follow-ups?${new URLSearchParams({ state })}`),
  changeFollowUp: (ticketId, reason, change) =>
    request('PATCH', `/api/follow-ups/${encodeURIComponent(ticketId)}/${encodeURIComponent(reason)}`, change),
  // surveys: the policies (admins), a ticket's survey, a contact's surveys and opt-out
  surveyPolicies: () => request('GET', '/api/survey-policies'),
  saveSurveyPolicies: (setup) => request('PUT', '/api/survey-policies', setup),
  ticketSurvey: (id) => request('GET', `/api/tickets/${encodeURIComponent(id)}/survey`),
  contactSurveys: (id) => request('GET', `/api/contacts/${encodeURIComponent(id)}/surveys`),
  // the customer's status page: a new signed link (a path: add location.origin), or revoke every one sent
  newStatusLink: (id) => request('POST', `/api/tickets/${encodeURIComponent(id)}/status-link`),
  revokeStatusLinks: (id) => request('DELETE', `/api/tickets/${encodeURIComponent(id)}/status-link`),
  identityCheck: (id) => request('GET', `/api/tickets/${encodeURIComponent(id)}/identity-check`),
  // a one-time code to the contact's known e-mail address or WhatsApp number (via: 'email' | 'whatsapp')
  sendIdentityCode: (id, via) => request('POST', `/api/tickets/${encodeURIComponent(id)}/identity-check`, { via }),
  applyMacro: (id, macro) =>
    request('POST', `/api/tickets/${encodeURIComponent(id)}/macros/${encodeURIComponent(macro)}`),
  search: (q, sort = 'relevance', page = 1) => request('GET', `/api/search?${new URLSearchParams({ q, sort, page })}`),
  tickets: (params) => request('GET', `/api/tickets?${new URLSearchParams(params)}`),
  contact: (id) => request('GET', `/api/contacts/${encodeURIComponent(id)}`),
  changeContact: (id, changes) => request('PATCH', `/api/contacts/${encodeURIComponent(id)}`, changes),
  // supervisors and admins: the duplicate's identities, tickets and open conversations move to `id`
  samePerson: (id) => request('GET', `/api/contacts/${encodeURIComponent(id)}/same-person`),
  contactPicture: (id) => requestBytes(`/api/contacts/${encodeURIComponent(id)}/picture`),
  mergeContact: (id, source) => request('POST', `/api/contacts/${encodeURIComponent(id)}/merge`, { source_id: source }),
  // admins: a contact's personal data on request (export, or erase confirmed by the contact's id)
  exportContact: (id) => request('GET', `/api/contacts/${encodeURIComponent(id)}/export`),
  eraseContact: (id, confirm) => request('POST', `/api/contacts/${encodeURIComponent(id)}/erase`, { confirm }),
  mergeTicket: (id, source) => request('POST', `/api/tickets/${encodeURIComponent(id)}/merge`, { source_id: source }),
  availability: (available) => request('PUT', '/api/me/availability', { available }),
  thread: (id) => request('GET', `/api/tickets/${encodeURIComponent(id)}`),
  bulk: (ids, changes) => request('POST', '/api/tickets/bulk', { ticket_ids: ids, changes }),
  update: (id, changes) => request('PATCH', `/api/tickets/${encodeURIComponent(id)}`, changes),
  reply: (id, draft) => request('POST', `/api/tickets/${encodeURIComponent(id)}/replies`, draft),
  note: (id, draft) => request('POST', `/api/tickets/${encodeURIComponent(id)}/notes`, draft),
  // a call logged by hand (any phone system): who, when, how long, which way, notes
  logCall: (id, call) => request('POST', `/api/tickets/${encodeURIComponent(id)}/calls`, call),
  changes: (since) => request('GET', `/api/changes${since ? `?${new URLSearchParams({ since })}` : ''}`),
  notifications: () => request('GET', '/api/notifications'),
  readNotifications: (through) => request('POST', '/api/notifications/read', { through }),
  present: (id, activity) => request('PUT', `/api/tickets/${encodeURIComponent(id)}/presence`, { activity }),
  leave: (id) => request('DELETE', `/api/tickets/${encodeURIComponent(id)}/presence`),
  // quality reviews: coordinators (the quality right) work the queue and the scorecard; agents read theirs and reply once
  reviewQueue: () => request('GET', '/api/quality/queue'),
  pickForReview: (ticketId) => request('POST', '/api/quality/reviews', { ticket_id: ticketId }),
  review: (ticketId) => request('GET', `/api/quality/reviews/${encodeURIComponent(ticketId)}`),
  scoreReview: (ticketId, scoring) => request('PUT', `/api/quality/reviews/${encodeURIComponent(ticketId)}/score`, scoring),
  reopenReview: (ticketId) => request('POST', `/api/quality/reviews/${encodeURIComponent(ticketId)}/reopen`),
  replyToReview: (ticketId, text) => request('POST', `/api/quality/reviews/${encodeURIComponent(ticketId)}/reply`, { text }),
  myReviews: () => request('GET', '/api/me/reviews'),
  qualityScores: (params) => request('GET', `/api/quality/scores?${new URLSearchParams(params)}`),
  // reports: a date range's KPIs from the daily rollups (supervisors and administrators)
  kpis: (params) => request('GET', `/api/reports/kpis?${new URLSearchParams(params)}`),
  scorecard: () => request('GET', '/api/quality/scorecard'),
  saveScorecard: (scorecard) => request('PUT', '/api/quality/scorecard', scorecard),
  // the knowledge base: every agent reads and searches; editors write, publish and restore
  kbArticles: (status) => request('GET', `/api/kb/articles${status ? `?status=${encodeURIComponent(status)}` : ''}`),
  kbArticle: (id) => request('GET', `/api/kb/articles/${encodeURIComponent(id)}`),
  kbCreate: (article) => request('POST', '/api/kb/articles', article),
  kbSave: (id, article) => request('PUT', `/api/kb/articles/${encodeURIComponent(id)}`, article),
  kbPublish: (id, version) => request('POST', `/api/kb/articles/${encodeURIComponent(id)}/publish`, { version }),
  kbUnpublish: (id, version) => request('POST', `/api/kb/articles/${encodeURIComponent(id)}/unpublish`, { version }),
  kbArchive: (id, version) => request('POST', `/api/kb/articles/${encodeURIComponent(id)}/archive`, { version }),
  kbRevisions: (id) => request('GET', `/api/kb/articles/${encodeURIComponent(id)}/revisions`),
  kbRestore: (id, number, version) =>
    request('POST', `/api/kb/articles/${encodeURIComponent(id)}/revisions/${encodeURIComponent(number)}/restore`, { version }),
  kbReviewDue: () => request('GET', '/api/kb/review-due'),
  kbPreview: (body) => request('POST', '/api/kb/preview', { body }),
  // an image or PDF kept with the article ({filename, content_type, data: base64, alt}): the answer's markdown shows it
  kbUpload: (id, file) => request('POST', `/api/kb/articles/${encodeURIComponent(id)}/files`, file),
  kbFileBytes: (id, fileId) => requestBytes(`/api/kb/articles/${encodeURIComponent(id)}/files/${encodeURIComponent(fileId)}`),
  kbSearch: (q, locale) => request('GET', `/api/kb/search?${new URLSearchParams({ q, locale })}`),
  kbContentGaps: () => request('GET', '/api/kb/content-gaps'),
  kbHelpfulness: () => request('GET', '/api/kb/helpfulness'),
  kbSynonyms: () => request('GET', '/api/kb/synonyms'),
  kbSaveSynonyms: (synonyms) => request('PUT', '/api/kb/synonyms', synonyms),
  acknowledge: (id, breach) =>
    request('POST', `/api/tickets/${encodeURIComponent(id)}/breaches/${encodeURIComponent(breach)}/acknowledge`),
};
