// The thread: messages and notes, delivery ticks, and the files on messages
// (previews of pictures, downloads by a short-lived link).
import { html, useState, useEffect } from '../../../vendor/preact-htm.js';
import { api } from '../../api.js';
import { t, formatTime, formatSize } from '../../i18n.js';
import { actorName, agentName, problemText } from '../../words.js';
import { ChannelBadge, MessageNotices } from '../../components/channel-badge.js';
import { CallDetails } from './calls.js';

const TICKS = { queued: '🕓', sent: '✓', delivered: '✓✓', read: '✓✓', failed: '⚠' };
const PREVIEW_TYPES = ['image/png', 'image/jpeg', 'image/gif', 'image/webp'];
export const FILE_LIMIT = 4 * 1024 * 1024; // what the API previews and takes as an upload
export const REPLY_FILES = 10; // files one reply may carry

const previewable = (file) => PREVIEW_TYPES.includes(file.content_type) && file.size <= FILE_LIMIT;

// The download address is on the file store (another origin) and answers
// "attachment": the browser saves the file and the console stays where it is.
async function download(ticketId, messageId, index) {
  const { url, filename } = await api.attachmentLink(ticketId, messageId, index);
  const link = document.createElement('a');
  link.href = url;
  link.download = filename || '';
  link.rel = 'noopener';
  document.body.append(link);
  link.click();
  link.remove();
  return filename;
}

// A picture's bytes from the API as an object URL (never the file store's
// address), typed as the server found it, let go when the message leaves the page
function Thumbnail({ message, index, file, name }) {
  const [url, setUrl] = useState(null);
  const [failed, setFailed] = useState(false);
  useEffect(() => {
    let current = true;
    let made = null;
    setUrl(null);
    setFailed(false);
    api.attachmentBytes(message.ticket_id, message.id, index)
      .then((bytes) => {
        if (!current) return;
        made = URL.createObjectURL(new Blob([bytes], { type: file.content_type }));
        setUrl(made);
      })
      .catch(() => { if (current) setFailed(true); });
    return () => {
      current = false;
      if (made) URL.revokeObjectURL(made);
    };
  }, [message.ticket_id, message.id, index, file.key]);
  if (failed) return html`<span class="thumb-missing muted">${t('attachment.no_preview')}</span>`;
  if (!url) return html`<span class="thumb thumb-loading" aria-hidden="true"></span>`;
  return html`<img class="thumb" src=${url} alt=${name} />`;
}

function MessageFiles({ message }) {
  const [notice, setNotice] = useState({ text: '', error: false });
  const original = message.channel === 'email' && message.original ? message.original : null;
  if (!message.attachments.length && !original) return null;
  const get = async (index, name) => {
    setNotice({ text: '', error: false });
    try {
      const saved = await download(message.ticket_id, message.id, index);
      setNotice({ text: t('attachment.downloading', { name: saved || name }), error: false });
    } catch (problem) {
      setNotice({ text: problemText(problem), error: true });
    }
  };
  return html`
    <div class="files">
      ${message.attachments.length > 0 && html`
        <ul class="attachments" aria-label=${t('ticket.attachments')}>
          ${message.attachments.map((file, index) => {
            const name = file.filename || file.key.split('/').pop();
            return html`<li class="attachment" data-index=${index}>
              ${previewable(file) && html`<${Thumbnail} message=${message} index=${String(index)} file=${file} name=${name} />`}
              <span class="file-info"><span class="file-name">${name}</span>
                <span class="muted">${formatSize(file.size)} · ${file.content_type}</span></span>
              <button type="button" class="secondary small" onClick=${() => get(String(index), name)}>
                ${t('attachment.download')}<span class="sr-only"> ${name}</span></button>
            </li>`;
          })}
        </ul>`}
      ${original && html`
        <button type="button" class="secondary small original" onClick=${() => get('original', original.filename)}>
          ${t('attachment.original')}</button>`}
      <p class=${notice.error ? 'error file-notice' : 'muted file-notice'} role="status">${notice.text}</p>
    </div>`;
}

function mentionedNames(message, me) {
  const notice = message.notices?.find((n) => n.key === 'mentions');
  if (!notice || !me) return '';
  return (notice.params.agent_ids || '').split(',').filter(Boolean).map((id) => agentName(me, id)).join(', ');
}

// What the customer newly wrote; the whole mail (quoted history, signature) stays
// behind a toggle, collapsed by default, as mail clients do.
function MessageBody({ message }) {
  const [whole, setWhole] = useState(false);
  const more = message.html ? message.full_html : message.full_text;
  const shownHtml = whole && message.full_html ? message.full_html : message.html;
  const shownText = whole && message.full_text ? message.full_text : message.text;
  const id = `whole-${message.id}`;
  return html`
    <div class="body-wrap" id=${id}>
      ${message.html
        ? html`<div class="body" dangerouslySetInnerHTML=${{ __html: shownHtml }}></div>`
        : html`<div class="body plain">${shownText}</div>`}
    </div>
    ${more && html`
      <button type="button" class="secondary small quoted-toggle" aria-expanded=${whole ? 'true' : 'false'}
        aria-controls=${id} onClick=${() => setWhole(!whole)}>
        ${t(whole ? 'message.hide_quoted' : 'message.show_quoted')}</button>`}`;
}

export function MessageItem({ message, me }) {
  const outbound = message.kind === 'outbound';
  const label = message.kind === 'note' && !message.call ? t('ticket.note') : html`<${ChannelBadge} channel=${message.channel} />`;
  const mentioned = message.kind === 'note' ? mentionedNames(message, me) : '';
  return html`
    <li class=${`message message-${message.kind}`} data-message=${message.id}>
      <header>
        <strong>${actorName(message.author)}</strong>
        <span class="muted"> · ${label} · </span>
        <time datetime=${message.sent_at}>${formatTime(message.sent_at)}</time>
        ${outbound && html`<span class=${`ticks ticks-${message.delivery_status}`} role="img"
             title=${t(`delivery.${message.delivery_status}`)}
             aria-label=${t(`delivery.${message.delivery_status}`)}>${TICKS[message.delivery_status] || ''}</span>`}
      </header>
      <${MessageNotices} message=${message} />
      ${message.call && html`<${CallDetails} call=${message.call} />`}
      <${MessageBody} message=${message} />
      ${message.delivery_error && html`<p class="error">${message.delivery_error}</p>`}
      ${mentioned && html`<p class="mentioned">${t('note.mentioned', { names: mentioned })}</p>`}
      <${MessageFiles} message=${message} />
    </li>`;
}
