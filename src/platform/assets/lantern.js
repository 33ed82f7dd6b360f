// Lantern's browser code: GOV.UK Frontend components and the session timeout warning.
import { initAll } from '/assets/govuk-frontend.min.js';

initAll();

const dialog = document.getElementById('timeout-warning');
if (dialog) {
  const idle = Number(dialog.dataset.idleSeconds);
  const warning = Number(dialog.dataset.warningSeconds);
  const csrf = dialog.dataset.csrf;
  const countdown = dialog.querySelector('.lantern-timeout__countdown');
  let deadline = Date.now() + idle * 1000;
  let timer;

  const signOut = (expired) => {
    const form = document.createElement('form');
    form.method = 'post';
    form.action = expired ? '/sign-out?expired=1' : '/sign-out';
    const input = document.createElement('input');
    input.type = 'hidden';
    input.name = '_csrf';
    input.value = csrf;
    form.append(input);
    document.body.append(form);
    form.submit();
  };

  const describe = (seconds) => {
    if (seconds >= 120) return `${Math.ceil(seconds / 60)} minutes`;
    if (seconds >= 60) return '1 minute';
    return `${seconds} second${seconds === 1 ? '' : 's'}`;
  };

  const tick = async () => {
    const left = Math.round((deadline - Date.now()) / 1000);
    if (left <= 0) return signOut(true);
    if (left <= warning) {
      if (!dialog.open) {
        // Another tab may have kept the session alive: ask the server before warning.
        const status = await fetch('/session/status', { headers: { accept: 'application/json' } })
          .then((r) => (r.ok ? r.json() : { secondsLeft: 0 }))
          .catch(() => ({ secondsLeft: left }));
        deadline = Date.now() + status.secondsLeft * 1000;
        if (status.secondsLeft > warning) return schedule();
        if (status.secondsLeft <= 0) return signOut(true);
        dialog.showModal();
        dialog.querySelector('[data-timeout-action="extend"]').focus();
      }
      countdown.textContent = describe(Math.max(0, Math.round((deadline - Date.now()) / 1000)));
    }
    schedule();
  };
  const schedule = () => {
    clearTimeout(timer);
    timer = setTimeout(tick, 1000);
  };

  dialog.querySelector('[data-timeout-action="extend"]').addEventListener('click', async () => {
    const response = await fetch('/session/extend', { method: 'POST', headers: { 'x-csrf-token': csrf } });
    if (!response.ok) return signOut(true);
    deadline = Date.now() + idle * 1000;
    dialog.close();
    schedule();
  });
  dialog.querySelector('[data-timeout-action="sign-out"]').addEventListener('click', (event) => {
    event.preventDefault();
    signOut(false);
  });
  dialog.addEventListener('cancel', (event) => event.preventDefault());
  schedule();
}

// Language check as people write: warns about victim-blaming phrases, never blocks saving.
const csrfToken = document.querySelector('meta[name="csrf-token"]')?.getAttribute('content') ?? '';
for (const field of document.querySelectorAll('[data-language-check]')) {
  const results = document.querySelector(`[data-language-results-for="${field.dataset.languageCheck}"]`);
  if (!results) continue;
  let timer;
  const render = (findings) => {
    results.replaceChildren();
    if (!findings.length) return;
    const warning = document.createElement('div');
    warning.className = 'govuk-warning-text';
    const icon = document.createElement('span');
    icon.className = 'govuk-warning-text__icon';
    icon.setAttribute('aria-hidden', 'true');
    icon.textContent = '!';
    const text = document.createElement('div');
    text.className = 'govuk-warning-text__text';
    text.textContent =
      'Check the language: some words could suggest the child is to blame for what is happening to them.';
    warning.append(icon, text);
    const list = document.createElement('ul');
    list.className = 'govuk-list govuk-list--bullet';
    for (const f of findings) {
      const item = document.createElement('li');
      const found = document.createElement('strong');
      found.textContent = `“${f.found}”`;
      const suggestion = document.createElement('em');
      suggestion.textContent = f.suggestion;
      item.append(found, `: ${f.why} Try: `, suggestion, '.');
      list.append(item);
    }
    results.append(warning, list);
  };
  field.addEventListener('input', () => {
    clearTimeout(timer);
    timer = setTimeout(async () => {
      const response = await fetch('/language-check', {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-csrf-token': csrfToken },
        body: JSON.stringify({ text: field.value }),
      }).catch(() => undefined);
      if (response?.ok) render((await response.json()).findings);
    }, 400);
  });
}
