// vclip serve: the search page. Plain JavaScript, no build step; everything comes from this server (CSP 'self').
// The page's state lives in its address (?q=...&page=...), so the back button and bookmarks work.
'use strict';

const $ = (id) => document.getElementById(id);
const PAGE_SIZE = 24;

const ui = {
  form: $('search'), q: $('q'), scope: $('scope'), prefix: $('prefix'), minDuration: $('min-duration'),
  results: $('results'), message: $('message'), pager: $('pager'), prev: $('prev'), next: $('next'),
  pageLabel: $('page-label'), status: $('status'), likeBanner: $('like-banner'), likeName: $('like-name'),
  clearLike: $('clear-like'), player: $('player'), video: $('video'), playerTitle: $('player-title'),
  playerSub: $('player-sub'), replay: $('replay'), playerLike: $('player-like'), closePlayer: $('close-player'),
};

let current = null;   // the hit being played
let searchSeq = 0;    // answers to older searches are dropped

/** The search the address describes. */
function stateFromAddress() {
  const p = new URLSearchParams(location.search);
  return {
    q: p.get('q') || '',
    like: p.get('like') || '',
    scope: p.get('scope') || 'all',
    prefix: p.get('prefix') || '',
    minDuration: p.get('min_duration') || '',
    page: Math.max(1, parseInt(p.get('page') || '1', 10) || 1),
  };
}

function addressOf(s) {
  const p = new URLSearchParams();
  if (s.like) p.set('like', s.like); else if (s.q) p.set('q', s.q);
  if (s.scope && s.scope !== 'all') p.set('scope', s.scope);
  if (s.prefix) p.set('prefix', s.prefix);
  if (s.minDuration) p.set('min_duration', s.minDuration);
  if (s.page > 1) p.set('page', String(s.page));
  const query = p.toString();
  return '/' + (query ? '?' + query : '');
}

function go(s) {
  history.pushState(null, '', addressOf(s));
  show(s);
}

function formState(page) {
  return {
    q: ui.q.value.trim(), like: '', scope: ui.scope.value, prefix: ui.prefix.value.trim(),
    minDuration: ui.minDuration.value.trim(), page: page || 1,
  };
}

/** Seconds as m:ss (or h:mm:ss), with tenths when not whole. */
function clock(t) {
  const tenths = Math.round(t * 10);
  const whole = Math.floor(tenths / 10);
  const h = Math.floor(whole / 3600);
  const m = Math.floor((whole % 3600) / 60);
  const sec = whole % 60;
  const pad = (n) => String(n).padStart(2, '0');
  let out = h > 0 ? h + ':' + pad(m) + ':' + pad(sec) : m + ':' + pad(sec);
  if (tenths % 10 !== 0) out += '.' + (tenths % 10);
  return out;
}

function span(hit) {
  return clock(hit.start) + '–' + clock(hit.end);
}

function say(text, isError) {
  ui.message.textContent = text;
  ui.message.classList.toggle('error', !!isError);
}

async function api(path) {
  const res = await fetch(path, { credentials: 'same-origin', headers: { 'Accept': 'application/json' } });
  let body = null;
  try { body = await res.json(); } catch (e) { body = null; }
  if (!res.ok) {
    const why = body && body.error ? body.error : 'the server answered ' + res.status;
    throw new Error(why);
  }
  return body;
}

/** Runs the search the state describes and shows its page of results. */
async function show(s) {
  ui.q.value = s.like ? '' : s.q;
  ui.scope.value = s.scope;
  ui.prefix.value = s.prefix;
  ui.minDuration.value = s.minDuration;
  ui.likeBanner.hidden = !s.like;
  if (!s.q && !s.like) {
    ui.results.replaceChildren();
    ui.pager.hidden = true;
    say('Describe what happens in the moment you are looking for.');
    return;
  }
  if (s.like) {
    ui.likeName.textContent = s.like;
    api('/api/entries/' + encodeURIComponent(s.like))
      .then((e) => { ui.likeName.textContent = e.file + (e.whole ? '' : ' ' + span(e)); })
      .catch(() => {});
  }
  const p = new URLSearchParams();
  if (s.like) p.set('like', s.like); else p.set('q', s.q);
  p.set('top', String(PAGE_SIZE));
  p.set('page', String(s.page));
  p.set('scope', s.scope);
  if (s.prefix) p.set('prefix', s.prefix);
  if (s.minDuration) p.set('min_duration', s.minDuration);
  const seq = ++searchSeq;
  say('Searching…');
  ui.results.setAttribute('aria-busy', 'true');
  try {
    const answer = await api('/api/search?' + p.toString());
    if (seq !== searchSeq) return;
    render(answer, s);
  } catch (e) {
    if (seq !== searchSeq) return;
    ui.results.replaceChildren();
    ui.pager.hidden = true;
    say(e.message, true);
  } finally {
    if (seq === searchSeq) ui.results.removeAttribute('aria-busy');
  }
}

function render(answer, s) {
  const hits = answer.hits;
  const first = (s.page - 1) * PAGE_SIZE + 1;
  if (hits.length === 0) {
    say(s.page > 1 ? 'No more results.' : 'Nothing found.');
  } else {
    say('Results ' + first + '–' + (first + hits.length - 1) + (answer.has_more ? '' : ' (all)')
      + ' · ' + answer.took_ms + ' ms');
  }
  ui.results.replaceChildren(...hits.map(card));
  ui.pager.hidden = s.page === 1 && !answer.has_more;
  ui.prev.disabled = s.page <= 1;
  ui.next.disabled = !answer.has_more;
  ui.pageLabel.textContent = 'Page ' + s.page;
}

function el(tag, className, text) {
  const e = document.createElement(tag);
  if (className) e.className = className;
  if (text !== undefined) e.textContent = text;
  return e;
}

function card(hit) {
  const c = el('article', 'card');
  c.tabIndex = 0;
  c.dataset.id = hit.id;
  c.dataset.start = String(hit.start);
  c.title = hit.path;
  const thumb = el('div', 'thumb');
  const img = el('img');
  img.alt = hit.file + ' ' + span(hit);
  img.loading = 'lazy';
  img.src = hit.thumbnail;
  thumb.append(img, el('span', 'badge', hit.whole ? 'video' : 'moment'), el('span', 'range', span(hit)));
  const info = el('div', 'info');
  info.append(el('div', 'name', hit.file));
  const sub = el('div', 'sub');
  sub.append(el('span', '', hit.whole ? clock(hit.duration) + ' long'
    : (hit.merged_moments > 1 ? hit.merged_moments + ' moments' : 'in a ' + clock(hit.duration) + ' video')));
  sub.append(el('span', 'score', 'score ' + hit.score.toFixed(3)));
  info.append(sub);
  const like = el('button', 'like', 'More like this');
  like.type = 'button';
  like.addEventListener('click', (ev) => { ev.stopPropagation(); moreLike(hit); });
  c.append(thumb, info, like);
  c.addEventListener('click', () => play(hit, c));
  c.addEventListener('keydown', (ev) => {
    if (ev.key === 'Enter' || ev.key === ' ') { ev.preventDefault(); play(hit, c); }
  });
  return c;
}

function moreLike(hit) {
  const s = formState(1);
  s.q = '';
  s.like = hit.id;
  go(s);
  window.scrollTo({ top: 0 });
}

/** Plays a hit's video from the start of its moment (the server answers Range requests, so the browser seeks). */
function play(hit, cardElement) {
  current = hit;
  document.querySelectorAll('.card.playing').forEach((x) => x.classList.remove('playing'));
  if (cardElement) cardElement.classList.add('playing');
  ui.player.hidden = false;
  ui.playerTitle.textContent = hit.file;
  ui.playerSub.textContent = (hit.whole ? 'whole video, ' + clock(hit.duration) : 'moment ' + span(hit)
    + ' of ' + clock(hit.duration)) + ' · score ' + hit.score.toFixed(3);
  ui.replay.hidden = hit.whole;
  const v = ui.video;
  const src = hit.video + '#t=' + hit.start;
  if (v.dataset.videoId === hit.video_id && v.readyState >= 1) {
    seekAndPlay(hit.start);
  } else {
    v.dataset.videoId = hit.video_id;
    v.addEventListener('loadedmetadata', () => seekAndPlay(hit.start), { once: true });
    v.src = src;
    v.load();
  }
  ui.player.scrollIntoView({ block: 'start' });
}

function seekAndPlay(start) {
  const v = ui.video;
  if (Math.abs(v.currentTime - start) > 0.05) v.currentTime = start;
  const p = v.play();
  if (p && p.catch) p.catch(() => { /* autoplay refused: the controls are there */ });
}

ui.form.addEventListener('submit', (ev) => {
  ev.preventDefault();
  const s = formState(1);
  if (!s.q) { ui.q.focus(); return; }
  go(s);
});
ui.scope.addEventListener('change', () => {
  const s = stateFromAddress();
  if (s.q || s.like) { s.scope = ui.scope.value; s.page = 1; go(s); }
});
ui.prev.addEventListener('click', () => { const s = stateFromAddress(); s.page = Math.max(1, s.page - 1); go(s); });
ui.next.addEventListener('click', () => { const s = stateFromAddress(); s.page += 1; go(s); });
ui.clearLike.addEventListener('click', () => { go(formState(1)); ui.q.focus(); });
ui.replay.addEventListener('click', () => { if (current) seekAndPlay(current.start); });
ui.playerLike.addEventListener('click', () => { if (current) moreLike(current); });
ui.closePlayer.addEventListener('click', () => {
  ui.video.pause();
  ui.player.hidden = true;
  document.querySelectorAll('.card.playing').forEach((x) => x.classList.remove('playing'));
});
window.addEventListener('popstate', () => show(stateFromAddress()));

api('/api/status').then((st) => {
  ui.status.textContent = st.videos + ' videos · ' + st.moments + ' moments · model ' + st.model
    + (st.skipped.length ? ' · ' + st.skipped.length + ' files could not be read' : '');
}).catch((e) => { ui.status.textContent = e.message; });

show(stateFromAddress());
