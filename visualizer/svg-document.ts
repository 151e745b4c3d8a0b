/**
 * Just enough of a DOM for the page's ChartView to build a chart in Node, and to write it out as SVG text:
 * elements with attributes, children and text. (A full DOM library would be a dependency for five methods.)
 */

const escapeText = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const escapeAttribute = (text: string) => escapeText(text).replace(/"/g, '&quot;');

export class SvgElement {
  private readonly attributes = new Map<string, string>();
  private children: Array<SvgElement | string> = [];
  /** Set by the page's zoom; a file has none. */
  readonly style: Record<string, string> = {};

  constructor(readonly tagName: string) {}

  setAttribute(name: string, value: string): void {
    this.attributes.set(name, String(value));
  }

  getAttribute(name: string): string | null {
    return this.attributes.get(name) ?? null;
  }

  removeAttribute(name: string): void {
    this.attributes.delete(name);
  }

  append(...nodes: Array<SvgElement | string>): void {
    this.children.push(...nodes);
  }

  set textContent(text: string | null) {
    this.children = text === null ? [] : [text];
  }

  get textContent(): string {
    return this.children.map((child) => (typeof child === 'string' ? child : child.textContent)).join('');
  }

  readonly classList = {
    contains: (name: string) => (this.getAttribute('class') ?? '').split(/\s+/).includes(name),
    toggle: (name: string, force?: boolean) => {
      const names = new Set((this.getAttribute('class') ?? '').split(/\s+/).filter(Boolean));
      const on = force ?? !names.has(name);
      if (on) names.add(name);
      else names.delete(name);
      this.setAttribute('class', [...names].join(' '));
      return on;
    },
  };

  /** Events do not happen in a file. */
  addEventListener(): void {}

  get outerHTML(): string {
    const attributes = [...this.attributes].map(([name, value]) => ` ${name}="${escapeAttribute(value)}"`).join('');
    if (this.children.length === 0) return `<${this.tagName}${attributes}/>`;
    const inner = this.children.map((child) => (typeof child === 'string' ? escapeText(child) : child.outerHTML)).join('');
    return `<${this.tagName}${attributes}>${inner}</${this.tagName}>`;
  }
}

export const svgDocument = {
  createElementNS: (_namespace: string, tag: string) => new SvgElement(tag),
};
