// The update form's enhancements (templates/actions/update_form.html). Without JavaScript the
// red/amber reason fields are always shown and "Start from this text" reloads the form with
// the last update's text filled in; with it, the reason fields show only for red or amber and
// the text is copied into the fields in place.

const form = document.getElementById('update-form')

function revealReasons () {
  const box = document.getElementById('reason-fields')
  if (!form || !box) return
  const wanted = (box.dataset.revealFor || '').split(' ')
  const update = () => {
    const chosen = form.querySelector('input[name="rating"]:checked')
    const hasErrors = box.querySelector('.govuk-error-message') !== null
    box.hidden = !hasErrors && !(chosen && wanted.includes(chosen.value))
  }
  form.querySelectorAll('input[name="rating"]').forEach((radio) => {
    radio.addEventListener('change', update)
  })
  update()
}

function startFromLast () {
  const link = document.getElementById('start-from-last')
  if (!form || !link) return
  link.addEventListener('click', (event) => {
    event.preventDefault()
    document.querySelectorAll('[data-copy-to]').forEach((source) => {
      const field = document.getElementById(source.dataset.copyTo)
      if (field) field.value = source.textContent
    })
    document.querySelectorAll('[data-copy-date]').forEach((source) => {
      const id = source.dataset.copyDate
      const parts = { '': source.dataset.day, _month: source.dataset.month, _year: source.dataset.year }
      Object.entries(parts).forEach(([suffix, value]) => {
        const field = document.getElementById(id + suffix)
        if (field) field.value = value
      })
    })
    const control = document.getElementById('id_outside_control')
    if (control) control.checked = link.dataset.outsideControl === 'true'
    const commentary = document.getElementById('id_commentary')
    if (commentary) commentary.focus()
  })
}

revealReasons()
startFromLast()
