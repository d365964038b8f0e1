// A ticket's or message's channel, with its icon, and what a channel's message
// says beyond its text (a story replied to, a button pressed, a reaction…).
import { html } from '../../vendor/preact-htm.js';
import { t } from '../i18n.js';

const ICONS = { email: '✉', whatsapp: '🟢', chat: '💬', web_form: '📝', messenger: 'ⓜ', instagram: '📷', phone: '📞' };

export function ChannelBadge({ channel }) {
  return html`<span class=${`channel channel-${channel}`} data-channel=${channel}>
    <span class="channel-icon" aria-hidden="true">${ICONS[channel] || ''}</span> ${t(`channel.${channel}`)}</span>`;
}

// Notices the thread shows, with the parameters their text names.
const SHOWN = ['story_reply', 'story_mention', 'quick_reply', 'postback', 'reaction', 'reaction_removed',
  'shared', 'unsupported', 'media_unavailable', 'deleted'];

export function MessageNotices({ message }) {
  const shown = (message.notices || []).filter((n) => SHOWN.includes(n.key));
  if (!shown.length) return '';
  return html`<ul class="message-notices">
    ${shown.map((n) => html`<li class=${`notice-${n.key}`}>${t(`notice.${n.key}`, {
      payload: n.params.payload || '', type: n.params.type || '', reason: n.params.reason || '' })}</li>`)}
  </ul>`;
}
