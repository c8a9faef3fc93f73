import { LitElement, html } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import { localize, type Locale, type Problem } from '@gridflow/core';
import { problemListStyles } from './problem-list.styles.js';
import { GfProblemSelectEvent } from './gf-problem-select-event.js';

const words = {
  ok: { zh: '没有发现问题', en: 'No problems found' },
  count: {
    zh: (e: number, w: number) => `${e} 个错误，${w} 个警告`,
    en: (e: number, w: number) => `${e} error(s), ${w} warning(s)`,
  },
  error: { zh: '错误', en: 'Error' },
  warning: { zh: '警告', en: 'Warning' },
} as const;

/**
 * Shows the problems found in a policy, a rule or an input — each with its severity, message in the
 * reader's language, stable code and the JSON path of the exact cell.
 *
 * @summary A list of validation problems.
 * @event gf-problem-select - The user picked a problem (to jump to its path).
 * @csspart summary - The line counting errors and warnings.
 * @csspart item - One problem; also carries `error` or `warning`.
 * @csspart severity - The severity label.
 * @csspart message - The problem's message.
 * @csspart path - The JSON path (a button).
 * @csspart code - The stable problem code.
 * @cssproperty --gf-color-danger - Colour of errors.
 * @cssproperty --gf-color-warning - Colour of warnings.
 */
@customElement('gf-problem-list')
export class GfProblemList extends LitElement {
  static override styles = problemListStyles;

  /** The problems to show. */
  @property({ attribute: false }) problems: readonly Problem[] = [];

  /** Language of the labels and messages: `zh` (default) or `en`. */
  @property({ reflect: true }) locale: Locale = 'zh';

  override render() {
    const locale: Locale = this.locale === 'en' ? 'en' : 'zh';
    const errors = this.problems.filter((p) => p.severity === 'error').length;
    const warnings = this.problems.length - errors;
    if (this.problems.length === 0) {
      return html`<p part="summary" class="ok" role="status">${words.ok[locale]}</p>`;
    }
    return html`
      <p part="summary" role="status">${words.count[locale](errors, warnings)}</p>
      <ul>
        ${this.problems.map(
          (p) =>
            html`<li part="item ${p.severity}" class=${p.severity}>
              <span part="severity">${words[p.severity][locale]}</span>
              <span part="message">${localize(p.message, locale)}</span>
              <button part="path" type="button" @click=${() => this.dispatchEvent(new GfProblemSelectEvent(p))}>
                ${p.path || '/'}
              </button>
              <code part="code">${p.code}</code>
            </li>`,
        )}
      </ul>
    `;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'gf-problem-list': GfProblemList;
  }
}
