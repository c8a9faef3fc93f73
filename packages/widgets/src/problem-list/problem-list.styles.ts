import { css } from 'lit';

export const problemListStyles = css`
  :host {
    display: block;
    font-family: var(--gf-font-family, system-ui, 'PingFang SC', 'Microsoft YaHei', sans-serif);
    font-size: var(--gf-font-size, 14px);
    color: var(--gf-color-text, #1f2328);
  }
  [part='summary'] {
    margin: 0 0 var(--gf-spacing-s, 6px);
    font-weight: 600;
  }
  [part='summary'].ok {
    color: var(--gf-color-success, #1a7f37);
  }
  ul {
    list-style: none;
    margin: 0;
    padding: 0;
  }
  [part~='item'] {
    display: grid;
    grid-template-columns: auto 1fr;
    gap: 2px var(--gf-spacing-s, 6px);
    padding: var(--gf-spacing-s, 6px) var(--gf-spacing-m, 10px);
    border-left: 3px solid var(--gf-color-danger, #cf222e);
    background: var(--gf-color-surface, #f6f8fa);
    margin-bottom: var(--gf-spacing-xs, 4px);
  }
  [part~='item'].warning {
    border-left-color: var(--gf-color-warning, #9a6700);
  }
  [part='severity'] {
    font-weight: 600;
  }
  [part='path'],
  [part='code'] {
    grid-column: 2;
    font-family: var(--gf-font-mono, ui-monospace, monospace);
    font-size: 0.85em;
    color: var(--gf-color-muted, #59636e);
  }
  button[part='path'] {
    all: unset;
    grid-column: 2;
    cursor: pointer;
    font-family: var(--gf-font-mono, ui-monospace, monospace);
    font-size: 0.85em;
    color: var(--gf-color-link, #0969da);
  }
  button[part='path']:focus-visible {
    outline: 2px solid var(--gf-color-link, #0969da);
  }
`;
