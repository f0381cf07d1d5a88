// Progressive enhancement: radios that reveal the fields of the chosen option.
//
// <input type="radio" data-app-reveals="some-id"> shows the element #some-id while it is
// checked and hides it (govuk-radios__conditional--hidden, which GOV.UK Frontend's CSS hides
// only when JavaScript runs) when another radio of the same name is. Without JavaScript every
// section shows. (GOV.UK Frontend's own data-aria-controls reveal sets aria-expanded on the
// radio, which axe-core reports as an ARIA attribute a radio does not support.)
const HIDDEN = 'govuk-radios__conditional--hidden'

function sync (name) {
  for (const radio of document.querySelectorAll(`input[type=radio][name="${CSS.escape(name)}"][data-app-reveals]`)) {
    const target = document.getElementById(radio.dataset.appReveals)
    if (target) target.classList.toggle(HIDDEN, !radio.checked)
  }
}

const names = new Set()
for (const radio of document.querySelectorAll('input[type=radio][data-app-reveals]')) {
  names.add(radio.name)
  radio.addEventListener('change', () => sync(radio.name))
}
names.forEach(sync)
