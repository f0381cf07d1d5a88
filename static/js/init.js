// Initialise GOV.UK Frontend without any inline <script> (strict CSP).
//
// Load from the base template, at the end of <body>:
//   <script type="module" src="{% static 'js/init.js' %}"></script>
//
// Module scripts only run in browsers that GOV.UK Frontend supports, so this
// replaces the template's inline snippet
//   document.body.className += ' js-enabled' + ('noModule' in HTMLScriptElement.prototype ? ' govuk-frontend-supported' : '')
// Module scripts are deferred, so document.body exists when this runs.
import { initAll } from '../vendor/govuk-frontend/govuk-frontend.min.js'
import './reveal.js'

document.body.classList.add('js-enabled', 'govuk-frontend-supported')
initAll()
