// The reply box: a reply (CC and files on e-mail; the 24-hour window and approved
// templates on WhatsApp) or an internal note with @mentions.
import { html, useState, useEffect, useRef } from '../../../vendor/preact-htm.js';
import { api, DRAFTS } from '../../api.js';
import { t, tOr, formatSize } from '../../i18n.js';
import { problemText } from '../../words.js';
import { FILE_LIMIT, REPLY_FILES } from './thread.js';
import { Suggestions } from './suggestions.js';
import { readBase64 } from '../../components/files.js';

const WHATSAPP_WINDOW_MS = 24 * 3600 * 1000;

// The unsent reply or note of each ticket stays in localStorage (per agent), so
// it survives an expired session and a new sign-in; sending it, or choosing
// "sign out", clears it.
const draftKey = (me, ticket) => `${DRAFTS}${me?.agent_id || ''}.${ticket.id}`;

function savedDraft(key) {
  try {
    return JSON.parse(localStorage.getItem(key) || 'null') || {};
  } catch {
    return {};
  }
}

function keepDraft(key, draft) {
  try {
    if (draft.body.trim()) localStorage.setItem(key, JSON.stringify(draft));
    else localStorage.removeItem(key);
  } catch {
    // storage full or refused: the draft only lives in the page
  }
}

const PARAMETER = /\{\{(\d{1,2})\}\}/g;
const templateKey = (template) => `${template.name}|${template.language}`;
// The template's parameters ({{1}}, {{2}}…), each once, in order
const templateParameters = (body) => [...new Set([...body.matchAll(PARAMETER)].map((m) => Number(m[1])))].sort((a, b) => a - b);
const fillTemplate = (body, values) => body.replace(PARAMETER, (whole, n) => (values[n] || '').trim() || whole);

function TemplatePreview({ body, values }) {
  const parts = [];
  let last = 0;
  for (const found of body.matchAll(PARAMETER)) {
    parts.push(body.slice(last, found.index));
    const value = (values[found[1]] || '').trim();
    parts.push(value ? html`<mark>${value}</mark>` : html`<span class="placeholder">${found[0]}</span>`);
    last = found.index + found[0].length;
  }
  parts.push(body.slice(last));
  return html`<div class="template-preview" role="group" aria-labelledby="template-preview-title">
    <span id="template-preview-title" class="hint">${t('reply.template_preview')}</span>
    <p>${parts}</p></div>`;
}

// "@" and the start of a name (accents and case aside) offers the active agents it fits
const MENTION = /(?:^|\s)@([\p{L}\p{M}][\p{L}\p{M}'’. -]{0,40})$/u;
const fold = (text) => text.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();

// Who can open the ticket, as the server's access rules say: a mention is worth
// nothing to someone else (and would show them the ticket's subject)
const canSee = (agent, ticket) => agent.role === 'admin' || !ticket.group_id
  || (agent.group_ids || []).includes(ticket.group_id) || ticket.assignee_id === agent.id;

function mentionOptions(team, ticket, query) {
  const wanted = fold(query);
  return team.filter((agent) => agent.active !== false && agent.name && canSee(agent, ticket))
    .filter((agent) => fold(agent.name).startsWith(wanted) || fold(agent.name).split(/\s+/).some((word) => word.startsWith(wanted)))
    .slice(0, 8);
}

export function Composer({ thread, me, onSent, onDrafting }) {
  const ticket = thread.ticket;
  const key = draftKey(me, ticket);
  const [saved] = useState(() => savedDraft(key));
  const [mode, setMode] = useState(saved.mode === 'note' ? 'note' : 'reply');
  const [body, setBody] = useState(saved.body || '');
  const [cc, setCc] = useState(saved.cc || '');
  useEffect(() => keepDraft(key, { mode, body, cc }), [key, mode, body, cc]);
  const [statusAfter, setStatusAfter] = useState('');
  const [template, setTemplate] = useState('');
  const [templateLanguage, setTemplateLanguage] = useState('es');
  const [templateId, setTemplateId] = useState('');
  const [values, setValues] = useState({});
  const [files, setFiles] = useState([]); // {id, name, size, type, key (null while uploading)}
  const [fileNotice, setFileNotice] = useState({ text: '', error: false });
  const [mention, setMention] = useState(null); // {start, end, options, active} while the list is open
  const [picked, setPicked] = useState([]); // agents chosen from the list: {id, name}
  const [notice, setNotice] = useState('');
  const [busy, setBusy] = useState(false);
  const area = useRef(null);
  const picker = useRef(null);
  const fileCount = useRef(0);
  fileCount.current = files.length;
  const windowClosed = ticket.channel === 'whatsapp' && (!ticket.last_customer_message_at
    || Date.now() - new Date(ticket.last_customer_message_at).getTime() > WHATSAPP_WINDOW_MS);
  // An authentication template only carries identity codes (the ticket's Identidad section sends them)
  const catalog = (me?.templates || []).filter((template) => template.category !== 'authentication');
  const useCatalog = mode === 'reply' && windowClosed && catalog.length > 0;
  const chosen = useCatalog ? catalog.find((tpl) => templateKey(tpl) === templateId) || null : null;
  const parameters = chosen ? templateParameters(chosen.body) : [];
  const templateReady = Boolean(chosen) && parameters.every((n) => (values[n] || '').trim());
  const uploading = files.some((file) => !file.key);
  const withFiles = mode === 'reply' && ['email', 'messenger', 'instagram'].includes(ticket.channel);
  const ready = useCatalog ? templateReady : body.trim() !== '';
  // replying: a reply to the customer being written (a web chat's visitor sees "typing"); a note is not one
  const drafting = mode === 'reply' && (body.trim() !== '' || Boolean(chosen));
  useEffect(() => onDrafting?.(drafting), [drafting]); // (one composer per ticket: TicketPage keys it)

  useEffect(() => {
    const keys = (event) => {
      if (event.target.closest('input, textarea, select')) return;
      if (event.key === 'r' || event.key === 'n') {
        event.preventDefault();
        setMode(event.key === 'r' ? 'reply' : 'note');
        area.current?.focus();
        // a template reply has no text box: its picker takes the focus once shown
        setTimeout(() => { if (!document.activeElement?.closest('.composer')) (area.current || picker.current)?.focus(); });
      }
    };
    addEventListener('keydown', keys);
    return () => removeEventListener('keydown', keys);
  }, []);

  const attach = (event) => {
    const chosenFiles = [...event.target.files];
    event.target.value = ''; // the same file can be chosen again after removing it
    const problems = [];
    let room = REPLY_FILES - fileCount.current;
    for (const file of chosenFiles) {
      if (file.size > FILE_LIMIT) {
        problems.push(t('reply.too_large', { name: file.name }));
        continue;
      }
      if (file.size === 0) {
        problems.push(t('reply.empty_file', { name: file.name }));
        continue;
      }
      if (room <= 0) {
        problems.push(t('reply.too_many', { count: REPLY_FILES }));
        break;
      }
      room -= 1;
      const id = `${Date.now()}-${Math.random().toString(36).slice(2)}`;
      const type = file.type || 'application/octet-stream';
      setFiles((list) => [...list, { id, name: file.name, size: file.size, type, key: null }]);
      readBase64(file)
        .then((data) => api.upload(ticket.id, { filename: file.name, content_type: type, data }))
        .then((stored) => {
          setFiles((list) => list.map((f) => (f.id === id ? { ...f, key: stored.key, size: stored.size, type: stored.content_type } : f)));
          setFileNotice({ text: t('reply.uploaded', { name: file.name }), error: false });
        })
        .catch((problem) => {
          setFiles((list) => list.filter((f) => f.id !== id));
          setFileNotice({ text: t('reply.upload_failed', { name: file.name, reason: problemText(problem) }), error: true });
        });
    }
    setFileNotice(problems.length ? { text: problems.join(' '), error: true } : { text: '', error: false });
  };
  const removeFile = (file) => {
    setFiles((list) => list.filter((f) => f.id !== file.id));
    setFileNotice({ text: t('reply.file_removed', { name: file.name }), error: false });
    document.getElementById('composer-files')?.focus(); // the button is gone: back to choosing files
  };

  const typed = (event) => {
    const text = event.target.value;
    setBody(text);
    if (mode !== 'note') return;
    const caret = event.target.selectionStart ?? text.length;
    const found = MENTION.exec(text.slice(0, caret));
    const options = found ? mentionOptions(me?.team || [], ticket, found[1]) : [];
    setMention(options.length ? { start: caret - found[1].length - 1, end: caret, options, active: 0 } : null);
  };
  const pickMention = (agent) => {
    if (!mention) return;
    const before = body.slice(0, mention.start);
    const inserted = `@${agent.name} `;
    setBody(before + inserted + body.slice(mention.end).replace(/^ /, ''));
    setPicked((list) => [...list.filter((a) => a.id !== agent.id), { id: agent.id, name: agent.name }]);
    setMention(null);
    const caret = before.length + inserted.length;
    setTimeout(() => {
      area.current?.focus();
      area.current?.setSelectionRange(caret, caret);
    });
  };
  const keyDown = (event) => {
    if (mention) {
      const count = mention.options.length;
      if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
        event.preventDefault();
        const step = event.key === 'ArrowDown' ? 1 : -1;
        setMention({ ...mention, active: (mention.active + step + count) % count });
        return;
      }
      if ((event.key === 'Enter' || event.key === 'Tab') && !event.ctrlKey && !event.metaKey && !event.shiftKey) {
        event.preventDefault();
        pickMention(mention.options[mention.active]);
        return;
      }
      if (event.key === 'Escape') {
        event.preventDefault();
        event.stopPropagation();
        setMention(null);
        return;
      }
    }
    if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) send(event);
  };

  const send = async (event) => {
    event?.preventDefault();
    if (!(mode === 'note' ? body.trim() : ready) || busy || (mode === 'reply' && uploading)) return;
    setBusy(true);
    setNotice('');
    try {
      if (mode === 'note') {
        const mentions = picked.filter((agent) => body.includes(`@${agent.name}`)).map((agent) => agent.id);
        await api.note(ticket.id, mentions.length ? { body, mentions } : { body });
        setNotice(t('note.added'));
        setPicked([]);
        setMention(null);
      } else {
        // a template goes as approved, with its values: the thread shows the text filled in
        const draft = { body: chosen ? fillTemplate(chosen.body, values) : body };
        if (statusAfter) draft.status = statusAfter;
        if (ticket.channel === 'email' && cc.trim()) draft.cc = cc.split(',').map((a) => a.trim()).filter(Boolean);
        if (chosen) {
          draft.template = { name: chosen.name, language: chosen.language, parameters: parameters.map((n) => values[n].trim()) };
        } else if (windowClosed && template) {
          draft.template = { name: template, language: templateLanguage, parameters: [] };
        }
        if (withFiles && files.length) draft.attachments = files.map((file) => ({ key: file.key, filename: file.name }));
        await api.reply(ticket.id, draft);
        setNotice(t('reply.sent'));
        if (withFiles) {
          setFiles([]);
          setFileNotice({ text: '', error: false });
        }
        if (chosen) {
          setTemplateId('');
          setValues({});
        }
      }
      setBody('');
      onSent();
    } catch (problem) {
      setNotice(problemText(problem));
    } finally {
      setBusy(false);
    }
  };

  const noting = mode === 'note';
  return html`
    <form class=${`composer composer-${mode}`} onSubmit=${send}>
      <div role="tablist">
        <button type="button" role="tab" aria-selected=${mode === 'reply'} onClick=${() => { setMode('reply'); setMention(null); }}>${t('reply.tab')}</button>
        <button type="button" role="tab" aria-selected=${mode === 'note'} onClick=${() => setMode('note')}>${t('note.tab')}</button>
      </div>
      ${mode === 'reply' && windowClosed && html`
        <div class="window-closed">
          <p role="note">${t('reply.window_closed')}</p>
          ${useCatalog ? html`
            <label>${t('reply.template')}
              <select id="composer-template" name="template" ref=${picker} value=${templateId}
                onChange=${(e) => { setTemplateId(e.target.value); setValues({}); }}>
                <option value="">${t('reply.choose_template')}</option>
                ${catalog.map((tpl) => html`<option value=${templateKey(tpl)}>
                  ${t('reply.template_option', { label: tpl.label, language: tOr(`language.${tpl.language}`, tpl.language) })}</option>`)}
              </select></label>
            ${chosen && html`
              <div class="template-values">
                ${parameters.map((n) => html`
                  <label>${t('reply.template_parameter', { placeholder: `{{${n}}}` })}
                    <input name=${`template_param_${n}`} maxlength="1024" autocomplete="off" value=${values[n] || ''}
                      onInput=${(e) => setValues((old) => ({ ...old, [n]: e.target.value }))} /></label>`)}
              </div>
              <${TemplatePreview} body=${chosen.body} values=${values} />
              ${!templateReady && html`<p class="hint">${t('reply.template_missing')}</p>`}`}` : html`
            <label>${t('reply.template')} <input name="template" value=${template} pattern="[a-z0-9_]+" onInput=${(e) => setTemplate(e.target.value)} /></label>
            <label>${t('reply.template_language')} <input name="template_language" value=${templateLanguage} onInput=${(e) => setTemplateLanguage(e.target.value)} /></label>`}
        </div>`}
      ${mode === 'reply' && ticket.channel === 'email' && html`
        <label>${t('reply.cc')} <input name="cc" value=${cc} onInput=${(e) => setCc(e.target.value)} /></label>`}
      ${mode === 'reply' && !useCatalog && html`<${Suggestions} thread=${thread}
        onInsert=${(text) => setBody((old) => (old ? `${old}\n\n${text}` : text))} />`}
      ${!useCatalog && html`
        <label class="sr-only" for="composer-body">${mode === 'reply' ? t('reply.tab') : t('note.tab')}</label>
        <textarea id="composer-body" name="body" ref=${area} rows="5" value=${body}
          placeholder=${mode === 'reply' ? t('reply.placeholder') : t('note.placeholder')}
          aria-autocomplete=${noting ? 'list' : undefined}
          aria-controls=${noting && mention ? 'mention-list' : undefined}
          aria-activedescendant=${noting && mention ? `mention-option-${mention.active}` : undefined}
          aria-describedby=${noting ? 'mention-hint' : undefined}
          onInput=${typed} onKeyDown=${keyDown} onBlur=${() => setMention(null)}></textarea>`}
      ${noting && html`
        ${mention && html`
          <ul id="mention-list" class="mention-list" role="listbox" aria-label=${t('note.mention_list')}>
            ${mention.options.map((agent, index) => html`
              <li id=${`mention-option-${index}`} role="option" aria-selected=${index === mention.active ? 'true' : 'false'}
                class=${index === mention.active ? 'active' : ''} data-agent=${agent.id}
                onMouseDown=${(e) => e.preventDefault()} onClick=${() => pickMention(agent)}>
                ${agent.name}${agent.role ? html` <span class="muted">· ${tOr(`role.${agent.role}`, agent.role)}</span>` : ''}</li>`)}
          </ul>`}
        <p class="hint" id="mention-hint">${t('note.mention_hint')}</p>
        <div class="sr-only" role="status">${mention ? t('note.mention_count', { count: mention.options.length }) : ''}</div>`}
      ${withFiles && html`
        <div class="reply-files">
          <label>${t('reply.attach')}
            <input type="file" id="composer-files" name="attachments" multiple aria-describedby="composer-files-hint" onChange=${attach} /></label>
          <p class="hint" id="composer-files-hint">${t('reply.attach_hint', { count: REPLY_FILES })}</p>
          ${files.length > 0 && html`
            <ul class="uploads" aria-label=${t('reply.files')}>
              ${files.map((file) => html`
                <li data-file=${file.name}>
                  <span class="file-name">${file.name}</span>
                  <span class="muted">${formatSize(file.size)}${file.key ? '' : ` · ${t('reply.uploading')}`}</span>
                  <button type="button" class="remove" onClick=${() => removeFile(file)}>
                    <span aria-hidden="true">×</span><span class="sr-only">${t('reply.remove_file', { name: file.name })}</span></button>
                </li>`)}
            </ul>`}
          <div class=${fileNotice.error ? 'error file-notice' : 'notice file-notice'} role="status">${fileNotice.text}</div>
        </div>`}
      <div class="actions">
        ${mode === 'reply' && html`
          <label>${t('reply.status_after')}
            <select name="status_after" value=${statusAfter} onChange=${(e) => setStatusAfter(e.target.value)}>
              <option value="">${t('status.open')}</option>
              ${['pending', 'on_hold', 'solved'].map((s) => html`<option value=${s}>${t(`status.${s}`)}</option>`)}
            </select></label>`}
        ${mode === 'reply' && uploading && html`<span class="muted">${t('reply.wait_uploads')}</span>`}
        <button type="submit" disabled=${busy || !(noting ? body.trim() : ready) || (mode === 'reply' && uploading)}>
          ${mode === 'reply' ? t('reply.send') : t('note.add')}</button>
      </div>
      ${notice && html`<p class="notice" role="status">${notice}</p>`}
    </form>`;
}
