// The idle-timeout warning (templates/includes/session_timeout.html). Progressive enhancement:
// without this script the server signs an idle user out anyway; with it, a modal dialog warns
// SESSION_TIMEOUT_WARNING seconds before, and "Stay signed in" asks the server for more time.
// Tabs share the latest deadline through localStorage, so activity in one keeps the others open.
const dialog = document.querySelector('[data-module="app-session-timeout"]')
const STORAGE_KEY = 'app-session-deadline'

function readShared () {
  try { return Number(window.localStorage.getItem(STORAGE_KEY)) || 0 } catch (e) { return 0 }
}

function writeShared (deadline) {
  try { window.localStorage.setItem(STORAGE_KEY, String(deadline)) } catch (e) { /* private mode */ }
}

function plural (n, word) {
  return `${n} ${word}${n === 1 ? '' : 's'}`
}

if (dialog && typeof dialog.showModal === 'function') {
  const warningMs = Number(dialog.dataset.warning) * 1000
  const form = dialog.querySelector('[data-session-timeout-form]')
  const countdown = dialog.querySelector('[data-session-timeout-countdown]')
  const button = form.querySelector('button[type="submit"]:not([form])')
  const token = form.querySelector('input[name="csrfmiddlewaretoken"]').value
  let deadline = Date.now() + Number(dialog.dataset.remaining) * 1000
  let timer = null

  const describe = () => {
    const seconds = Math.max(0, Math.ceil((deadline - Date.now()) / 1000))
    const text = seconds > 60 ? plural(Math.ceil(seconds / 60), 'minute') : plural(seconds, 'second')
    countdown.textContent = `You will be signed out in ${text}.`
  }

  const expire = () => {
    // The server has ended the session: the next request shows the sign-in page and says why.
    window.location.assign(window.location.href.split('#')[0])
  }

  const tick = () => {
    deadline = Math.max(deadline, readShared())
    const left = deadline - Date.now()
    if (left <= 0) {
      // A second's grace so that the server, whose clock decides, has certainly expired it.
      window.setTimeout(expire, 1000)
      return
    }
    if (left <= warningMs) {
      describe()
      if (!dialog.open) {
        dialog.showModal()
        button.focus()
      }
    } else if (dialog.open) {
      dialog.close()
    }
    timer = window.setTimeout(tick, left <= warningMs ? 1000 : Math.min(left - warningMs, 60000))
  }

  const restart = (seconds) => {
    deadline = Date.now() + seconds * 1000
    writeShared(deadline)
    window.clearTimeout(timer)
    if (dialog.open) dialog.close()
    tick()
  }

  form.addEventListener('submit', (event) => {
    event.preventDefault()
    window.fetch(form.action, {
      method: 'POST',
      credentials: 'same-origin',
      headers: { Accept: 'application/json', 'X-CSRFToken': token },
      body: new window.FormData(form)
    }).then((response) => {
      if (response.status === 401) {
        expire()
        return null
      }
      return response.ok ? response.json() : null
    }).then((data) => {
      if (data && data.signed_in) restart(data.expires_in)
    }).catch(() => {
      countdown.textContent = 'We could not reach the service. Check your connection and try again.'
    })
  })

  // Escape would close the dialog without extending the session: treat it as "Stay signed in".
  dialog.addEventListener('cancel', (event) => {
    event.preventDefault()
    form.requestSubmit()
  })

  window.addEventListener('storage', (event) => {
    if (event.key === STORAGE_KEY) {
      window.clearTimeout(timer)
      tick()
    }
  })

  writeShared(deadline) // this page load is the latest activity
  tick()
}
