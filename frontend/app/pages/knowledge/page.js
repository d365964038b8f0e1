// The knowledge base (#/kb, #/kb/new, #/kb/<article id>): every agent lists, searches and
// reads articles (internal ones too); editors (the editor right) write with a Markdown
// preview rendered and sanitized by the server, publish, archive and restore revisions,
// and see the articles past their review date and what customers searched in vain;
// administrators keep the search's synonyms. Editors upload images (with their alt text)
// and PDFs to an article: the help center serves them under /ayuda/archivos/ once the
// article is public; the console shows any article's files through the API (drafts and
// internal articles too).
import { html, useState, useEffect, useRef } from '../../../vendor/preact-htm.js';
import { api } from '../../api.js';
import { t, formatTime } from '../../i18n.js';
import { AdminTable, Loading, useAdminData } from '../../components/table.js';
import { Outcome, splitList, useOutcome } from '../../components/form.js';
import { Synonyms } from './synonyms.js';
import { readBase64 } from '../../components/files.js';
import './texts.js';

const BLANK = { id: '', title: '', summary: '', category: '', tags: '', locale: 'es', visibility: 'public', review_by: '', body: '',
  tiers: '', countries: '', videos: [] };
const open = (id) => { location.hash = `#/kb/${encodeURIComponent(id)}`; };

function Search() {
  const [query, setQuery] = useState('');
  const [hits, setHits] = useState(null);
  const [outcome, run] = useOutcome();
  const submit = async (event) => {
    event.preventDefault();
    if (query.trim()) await run(async () => setHits((await api.kbSearch(query.trim(), 'es')).hits), '');
  };
  return html`
    <form class="admin-form kb-search" role="search" onSubmit=${submit}>
      <label>${t('kb.search')} <input type="search" name="q" value=${query} maxlength="500"
        onInput=${(e) => setQuery(e.target.value)} /></label>
      <div class="buttons"><button type="submit">${t('kb.search_button')}</button></div>
      <${Outcome} outcome=${outcome} />
      ${hits && (hits.length === 0 ? html`<p class="muted">${t('kb.no_hits')}</p>`
        : html`<ol class="kb-hits">${hits.map((hit) => html`
            <li><a href=${`#/kb/${encodeURIComponent(hit.id)}`}>${hit.title}</a> <span class="muted">${hit.summary}</span></li>`)}</ol>`)}
    </form>`;
}

function Articles({ articles, caption }) {
  return html`<${AdminTable} name="kb-articles" caption=${caption} items=${articles}
    columns=${[t('kb.article_title'), t('kb.locale'), t('kb.status'), t('kb.visibility'), t('kb.updated')]}
    row=${(a) => html`<tr data-article=${a.id}>
      <th scope="row"><a href=${`#/kb/${encodeURIComponent(a.id)}`}>${a.title}</a></th>
      <td>${a.locale}</td><td>${t(`kb.status.${a.status}`)}</td><td>${t(`kb.visibility.${a.visibility}`)}</td>
      <td><time datetime=${a.updated_at}>${formatTime(a.updated_at)}</time></td></tr>`} />`;
}

function Gaps() {
  const [data, , failed] = useAdminData(() => api.kbContentGaps());
  if (!data) return html`<${Loading} failed=${failed} />`;
  if (!data.gaps.length) return html`<p class="muted">${t('kb.no_gaps')}</p>`;
  return html`<${AdminTable} name="kb-gaps" caption=${t('kb.gaps')} items=${data.gaps}
    columns=${[t('kb.query'), t('kb.searches'), t('kb.contacts'), t('kb.last')]}
    row=${(g) => html`<tr><th scope="row">${g.example || g.query}</th><td>${g.searches}</td><td>${g.contacts}</td>
      <td><time datetime=${g.last_at}>${formatTime(g.last_at)}</time></td></tr>`} />`;
}

// Readers' votes per article, the least helpful first: what to rewrite next
function Helpfulness() {
  const [data, , failed] = useAdminData(() => api.kbHelpfulness());
  if (!data) return html`<${Loading} failed=${failed} />`;
  if (!data.articles.length) return html`<p class="muted">${t('kb.no_votes')}</p>`;
  return html`<${AdminTable} name="kb-helpfulness" caption=${t('kb.helpfulness')} items=${data.articles}
    columns=${[t('kb.article_title'), t('kb.locale'), t('kb.votes_yes'), t('kb.votes_no'), t('kb.helpful_share')]}
    row=${(a) => html`<tr data-article=${a.id}>
      <th scope="row"><a href=${`#/kb/${encodeURIComponent(a.id)}`}>${a.title}</a></th><td>${a.locale}</td>
      <td>${a.helpful}</td><td>${a.not_helpful}</td><td>${Math.round(a.helpful_share * 100)} %</td></tr>`} />`;
}

function List({ me }) {
  const [data, , failed] = useAdminData(async () => ({ all: (await api.kbArticles()).articles, due: (await api.kbReviewDue()).articles }));
  return html`
    <main id="content" class="knowledge">
      <h1>${t('kb.title')}</h1>
      ${me.editor && html`<p><a class="button" href="#/kb/new">${t('kb.new')}</a></p>`}
      <${Search} />
      ${!data ? html`<${Loading} failed=${failed} />` : html`
        <h2>${t('kb.review_due')}</h2>
        ${data.due.length ? html`<${Articles} articles=${data.due} caption=${t('kb.review_due')} />`
          : html`<p class="muted">${t('kb.none_due')}</p>`}
        <h2>${t('kb.all')}</h2>
        <${Articles} articles=${data.all} caption=${t('kb.all')} />`}
      ${me.editor && html`<h2>${t('kb.helpfulness')}</h2><${Helpfulness} />`}
      ${me.editor && html`<h2>${t('kb.gaps')}</h2><${Gaps} />`}
      ${me.role === 'admin' && html`<${Synonyms} />`}
    </main>`;
}

// An article's HTML, the articles' files it names (images, PDF links) drawn from the API,
// never the help center's copy (only public published articles have one), let go when the HTML changes
const FILE_PATH = /^\/ayuda\/archivos\/([^/]+)\/([^/]+)\/([^/]+)\.(png|jpg|gif|webp|pdf)$/;
const FILE_TYPES = { png: 'image/png', jpg: 'image/jpeg', gif: 'image/gif', webp: 'image/webp', pdf: 'application/pdf' };

function ArticleHtml({ markup }) {
  const box = useRef(null);
  useEffect(() => {
    let current = true;
    const made = [];
    for (const node of box.current ? box.current.querySelectorAll('img[src], a[href]') : []) {
      const attribute = node.tagName === 'IMG' ? 'src' : 'href';
      const found = FILE_PATH.exec(node.getAttribute(attribute) || '');
      if (!found) continue;
      const [, owner, fileId, name, extension] = found; // another article's file too (a translation's images)
      api.kbFileBytes(owner, fileId).then((bytes) => {
        if (!current) return;
        const url = URL.createObjectURL(new Blob([bytes], { type: FILE_TYPES[extension] }));
        made.push(url);
        node.setAttribute(attribute, url);
        if (attribute === 'href') node.setAttribute('download', `${name}.${extension}`);
      }).catch(() => {}); // not kept with this article: the address stays as written
    }
    return () => {
      current = false;
      made.forEach((url) => URL.revokeObjectURL(url));
    };
  }, [markup]);
  return html`<div ref=${box} dangerouslySetInnerHTML=${{ __html: markup }} />`;
}

// "Subir imagen o archivo": an image needs its alt text; the Markdown the server
// answers goes where the cursor was in the body
function FileUpload({ articleId, insert }) {
  const [file, setFile] = useState(null);
  const [alt, setAlt] = useState('');
  const [outcome, run, fail] = useOutcome();
  const picker = useRef(null);
  const altBox = useRef(null);
  const upload = () => {
    if (!file) return fail(t('kb.file_choose'));
    if (file.type.startsWith('image/') && !alt.trim()) {
      altBox.current?.focus();
      return fail(t('kb.file_alt_required'));
    }
    return run(async () => {
      const data = await readBase64(file);
      const kept = await api.kbUpload(articleId, { filename: file.name, content_type: file.type || 'application/octet-stream', data, alt: alt.trim() });
      insert(kept.markdown);
      setFile(null);
      setAlt('');
      if (picker.current) picker.current.value = '';
    }, t('kb.file_inserted', { name: file.name }));
  };
  const enter = (event) => {
    if (event.key === 'Enter') {
      event.preventDefault(); // upload, not save the article
      upload();
    }
  };
  return html`
    <fieldset class="kb-upload">
      <legend>${t('kb.file_upload')}</legend>
      <label>${t('kb.file')} <input type="file" name="file" ref=${picker} accept="image/png,image/jpeg,image/gif,image/webp,application/pdf"
        onChange=${(e) => setFile(e.target.files[0] || null)} /></label>
      <label>${t('kb.file_alt')} <input name="alt" ref=${altBox} maxlength="300" value=${alt} aria-describedby="kb-alt-hint"
        onInput=${(e) => setAlt(e.target.value)} onKeyDown=${enter} /></label>
      <p id="kb-alt-hint" class="muted">${t('kb.file_alt_hint')}</p>
      <button type="button" class="secondary" onClick=${upload}>${t('kb.file_upload')}</button>
      <${Outcome} outcome=${outcome} />
    </fieldset>`;
}

const toDraft = (a) => ({ ...BLANK, ...a, id: a.id, category: a.category || '', tags: (a.tags || []).join(', '), review_by: a.review_by || '',
  tiers: ((a.segment && a.segment.tiers) || []).join(', '), countries: ((a.segment && a.segment.countries) || []).join(', '),
  videos: (a.videos || []).map((v) => ({ ...v })) });

// A video as its provider's link or its id: the provider and the id the server keeps
const VIDEO_LINKS = [
  ['youtube', /(?:youtube\.com\/(?:watch\?(?:.*&)?v=|embed\/|shorts\/)|youtu\.be\/)([A-Za-z0-9_-]{4,32})/],
  ['vimeo', /vimeo\.com\/(?:video\/)?([0-9]{4,32})/],
];
function videoOf(provider, written) {
  for (const [name, pattern] of VIDEO_LINKS) {
    const found = pattern.exec(written);
    if (found) return { provider: name, video_id: found[1] };
  }
  return { provider, video_id: written.trim() };
}

// Videos shown from YouTube or Vimeo only when the reader asks, each with its caption
// and a transcript for who cannot watch or hear it
function Videos({ videos, change }) {
  const edit = (index, field) => (e) => change(videos.map((v, i) => {
    if (i !== index) return v;
    if (field === 'video_id') return { ...v, ...videoOf(v.provider, e.target.value) };
    return { ...v, [field]: e.target.value };
  }));
  return html`
    <fieldset class="kb-videos"><legend>${t('kb.videos')}</legend>
      ${videos.map((video, index) => html`
        <div class="kb-video" role="group" aria-label=${t('kb.video_n', { n: index + 1 })}>
          <label>${t('kb.video_provider')} <select value=${video.provider} onChange=${edit(index, 'provider')}>
            <option value="youtube">YouTube</option><option value="vimeo">Vimeo</option></select></label>
          <label>${t('kb.video_id')} <input value=${video.video_id} required onInput=${edit(index, 'video_id')} /></label>
          <label>${t('kb.video_caption')} <input value=${video.caption} required maxlength="300" onInput=${edit(index, 'caption')} /></label>
          <label>${t('kb.video_transcript')} <textarea rows="3" maxlength="20000" value=${video.transcript}
            onInput=${edit(index, 'transcript')} /></label>
          <button type="button" class="danger" onClick=${() => change(videos.filter((_, i) => i !== index))}>
            ${t('kb.video_remove')}<span class="sr-only"> ${index + 1}</span></button>
        </div>`)}
      <button type="button" class="secondary" onClick=${() => change([...videos, { provider: 'youtube', video_id: '', caption: '', transcript: '' }])}>
        ${t('kb.video_add')}</button>
    </fieldset>`;
}

// The whole content, as the server wants it on every save: what the form does not show
// (the article it translates) goes back as it came, never dropped.
function body(draft, article) {
  const segment = draft.visibility === 'segment'
    ? { tiers: splitList(draft.tiers), countries: splitList(draft.countries).map((code) => code.toUpperCase()) } : null;
  return { title: draft.title, summary: draft.summary, body: draft.body, locale: draft.locale, visibility: draft.visibility,
    segment, tags: splitList(draft.tags), category: draft.category || null, review_by: draft.review_by || null,
    videos: draft.videos || [], translation_of: (article && article.translation_of) || null };
}

function Editor({ articleId, me }) {
  const isNew = articleId === 'new';
  const [article, setArticle] = useState(null);
  const [draft, setDraft] = useState(BLANK);
  const [preview, setPreview] = useState(null);
  const [history, setHistory] = useState([]);
  const [outcome, run] = useOutcome();
  const [, , failed] = useAdminData(async () => {
    if (isNew) return {};
    const found = await api.kbArticle(articleId);
    setArticle(found);
    setDraft(toDraft(found));
    setHistory((await api.kbRevisions(articleId)).revisions);
    return found;
  });
  const set = (field) => (e) => setDraft({ ...draft, [field]: e.target.value });
  const bodyBox = useRef(null);
  const insert = (markdown) => setDraft((now) => {
    const box = bodyBox.current;
    const start = box ? box.selectionStart : now.body.length;
    const end = box ? box.selectionEnd : start;
    return { ...now, body: now.body.slice(0, start) + markdown + now.body.slice(end) };
  });
  const shown = async (found) => {
    setArticle(found);
    setDraft(toDraft(found));
    setHistory((await api.kbRevisions(found.id)).revisions);
  };
  const save = async (event) => {
    event.preventDefault();
    await run(async () => {
      if (isNew) {
        const created = await api.kbCreate({ ...body(draft, null), ...(draft.id ? { id: draft.id } : {}) });
        open(created.id);
      } else {
        await shown(await api.kbSave(article.id, { ...body(draft, article), version: article.version }));
      }
    }, t('kb.saved'));
  };
  const act = (call, done) => run(async () => shown(await call(article.id, article.version)), done);
  const showPreview = () => run(async () => setPreview(await api.kbPreview(draft.body)), '');
  if (!isNew && !article) return html`<main id="content" class="knowledge"><${Loading} failed=${failed} /></main>`;
  const readOnly = !me.editor;
  return html`
    <main id="content" class="knowledge">
      <p><a href="#/kb">${t('kb.back')}</a></p>
      <h1>${isNew ? t('kb.new') : article.title}</h1>
      ${article && html`<p class="muted">${t(`kb.status.${article.status}`)} · ${t(`kb.visibility.${article.visibility}`)}
        · ${t('kb.helpful')}: ${article.helpfulness.helpful} / ${article.helpfulness.not_helpful}</p>`}
      ${readOnly ? article && html`<article class="kb-article"><${ArticleHtml} markup=${article.html} /></article>` : html`
      <form class="admin-form kb-editor" onSubmit=${save}>
        ${isNew && html`<label>${t('kb.id')} <input name="id" value=${draft.id} pattern="[a-z0-9][a-z0-9-]{0,79}" onInput=${set('id')} /></label>`}
        <label>${t('kb.article_title')} <input name="title" required maxlength="200" value=${draft.title} onInput=${set('title')} /></label>
        <label>${t('kb.summary')} <input name="summary" maxlength="500" value=${draft.summary} onInput=${set('summary')} /></label>
        <label>${t('kb.category')} <input name="category" value=${draft.category} onInput=${set('category')} /></label>
        <label>${t('kb.tags')} <input name="tags" value=${draft.tags} onInput=${set('tags')} /></label>
        <label>${t('kb.locale')} <select name="locale" value=${draft.locale} onChange=${set('locale')}>
          <option value="es">Español</option><option value="en">English</option></select></label>
        <label>${t('kb.visibility')} <select name="visibility" value=${draft.visibility} onChange=${set('visibility')}>
          <option value="public">${t('kb.visibility.public')}</option><option value="internal">${t('kb.visibility.internal')}</option>
          <option value="segment">${t('kb.visibility.segment')}</option></select></label>
        ${draft.visibility === 'segment' && html`<fieldset class="kb-segment"><legend>${t('kb.segment')}</legend>
          <label>${t('kb.segment.tiers')} <input name="tiers" value=${draft.tiers} onInput=${set('tiers')} /></label>
          <label>${t('kb.segment.countries')} <input name="countries" value=${draft.countries} placeholder="GT, SV"
            onInput=${set('countries')} /></label></fieldset>`}
        <label>${t('kb.review_by')} <input name="review_by" type="date" value=${draft.review_by} onInput=${set('review_by')} /></label>
        <label>${t('kb.body')} <textarea name="body" rows="14" maxlength="100000" ref=${bodyBox} value=${draft.body} onInput=${set('body')} /></label>
        ${article ? html`<${FileUpload} articleId=${article.id} insert=${insert} />` : html`<p class="muted">${t('kb.file_after_save')}</p>`}
        <${Videos} videos=${draft.videos || []} change=${(videos) => setDraft({ ...draft, videos })} />
        <div class="buttons">
          <button type="submit">${t('kb.save')}</button>
          <button type="button" class="secondary" onClick=${showPreview}>${t('kb.preview')}</button>
          ${article && article.status !== 'published' && html`<button type="button" onClick=${() => act(api.kbPublish, t('kb.done'))}>${t('kb.publish')}</button>`}
          ${article && article.status === 'published' && html`<button type="button" class="secondary" onClick=${() => act(api.kbUnpublish, t('kb.done'))}>${t('kb.unpublish')}</button>`}
          ${article && article.status !== 'archived' && html`<button type="button" class="danger" onClick=${() => act(api.kbArchive, t('kb.done'))}>${t('kb.archive')}</button>`}
        </div>
        <${Outcome} outcome=${outcome} />
      </form>
      ${preview && html`<section class="kb-preview" aria-label=${t('kb.preview')}>
        ${preview.images_without_alt.length > 0 && html`<p class="error" role="alert">${t('kb.missing_alt', { list: preview.images_without_alt.join(', ') })}</p>`}
        <${ArticleHtml} markup=${preview.html} /></section>`}`}
      ${history.length > 0 && html`<h2>${t('kb.revisions')}</h2><ol class="kb-revisions">${history.map((r) => html`
        <li>${t(`kb.action.${r.action}`)} · ${r.actor.name} · <time datetime=${r.at}>${formatTime(r.at)}</time> · ${r.content.title}
          ${me.editor && r.number !== article.revisions && html` <button type="button" class="secondary"
            onClick=${() => run(async () => shown(await api.kbRestore(article.id, r.number, article.version)), t('kb.restored'))}>
            ${t('kb.restore', { n: r.number })}</button>`}</li>`)}</ol>`}
    </main>`;
}

export function KnowledgePage({ section, me }) {
  return section === 'list' ? html`<${List} me=${me} />` : html`<${Editor} key=${section} articleId=${section} me=${me} />`;
}
