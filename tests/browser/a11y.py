"""Accessibility checks a page must pass, run in the browser on what it really renders.

`problems(page)` lists what is wrong: a form field without a label, an image without alt text, a
button or link without a name, text below WCAG AA contrast (4.5:1, or 3:1 for large text) against
the background it is drawn on, a page wider than the screen (a 360 px phone scrolls sideways), a
page without a language. Every browser test of a page can call it.

`out_of_reach(page)` lists what a person cannot use though it is there: a control scrolled out of
sight in a region that scrolls sideways (the decision's boxes past a narrow form's right edge), and
the API's words on a page (a detail saying "see `errors`").
"""

from __future__ import annotations

from typing import Any

_SCRIPT = r"""
() => {
  const problems = [];
  const visible = (el) => {
    const style = getComputedStyle(el);
    const box = el.getBoundingClientRect();
    return style.visibility !== 'hidden' && style.display !== 'none' && box.width > 0 && box.height > 0
      && box.right > 0 && box.bottom > 0;
  };
  const describe = (el) => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '')
    + (el.className && typeof el.className === 'string' ? '.' + el.className.split(' ').join('.') : '');
  if (!document.documentElement.lang) problems.push('the page does not say its language');
  for (const el of document.querySelectorAll('input, select, textarea')) {
    if (el.type === 'hidden' || !visible(el)) continue;
    const named = (el.labels && el.labels.length) || el.getAttribute('aria-label')
      || el.getAttribute('aria-labelledby');
    if (!named) problems.push('field without a label: ' + describe(el));
  }
  for (const el of document.querySelectorAll('img')) {
    if (!el.hasAttribute('alt')) problems.push('image without alt: ' + el.src);
  }
  for (const el of document.querySelectorAll('a[href], button')) {
    if (!visible(el)) continue;
    if (!(el.innerText || '').trim() && !el.getAttribute('aria-label')) {
      problems.push('nameless ' + describe(el));
    }
  }
  const rgba = (text) => {
    const parts = text.match(/[\d.]+/g).map(Number);
    return {r: parts[0], g: parts[1], b: parts[2], a: parts.length > 3 ? parts[3] : 1};
  };
  const luminance = ({r, g, b}) => {
    const channel = (v) => {
      v /= 255;
      return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4);
    };
    return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b);
  };
  const background = (el) => {
    for (let node = el; node; node = node.parentElement) {
      const colour = rgba(getComputedStyle(node).backgroundColor);
      if (colour.a > 0.5) return colour;
    }
    return {r: 255, g: 255, b: 255, a: 1};
  };
  for (const el of document.querySelectorAll('body *')) {
    const text = [...el.childNodes].filter((n) => n.nodeType === 3)
      .map((n) => n.textContent).join('').trim();
    if (!text || !visible(el) || el.closest('.skip')) continue;
    const style = getComputedStyle(el);
    const fg = rgba(style.color), bg = background(el);
    const [light, dark] = [luminance(fg), luminance(bg)].sort((x, y) => y - x);
    const ratio = (light + 0.05) / (dark + 0.05);
    const size = parseFloat(style.fontSize), bold = parseInt(style.fontWeight, 10) >= 700;
    const needed = (size >= 24 || (bold && size >= 18.66)) ? 3 : 4.5;
    if (ratio < needed) {
      problems.push(`contrast ${ratio.toFixed(2)} < ${needed}: ${describe(el)} "${text.slice(0, 40)}"`);
    }
  }
  if (document.documentElement.scrollWidth > window.innerWidth) {
    problems.push(`wider than the screen: ${document.documentElement.scrollWidth} > ${window.innerWidth}`);
  }
  return problems;
}
"""


def problems(page: Any) -> list[str]:
    """What keeps `page` (as rendered now) from being usable by everyone."""
    found: list[str] = page.evaluate(_SCRIPT)
    return found


_OUT_OF_REACH = r"""
() => {
  const problems = [];
  const sideways = (el) => {
    const style = getComputedStyle(el);
    return ['auto', 'scroll', 'hidden'].includes(style.overflowX) && el.scrollWidth > el.clientWidth + 1;
  };
  const controls = 'input, select, textarea, button, a[href]'.split(', ').map((c) => 'main ' + c).join(', ');
  for (const el of document.querySelectorAll(controls)) {
    const box = el.getBoundingClientRect();
    if (el.type === 'hidden' || box.width === 0) continue;
    for (let node = el.parentElement; node && node !== document.body; node = node.parentElement) {
      if (!sideways(node)) continue;
      const frame = node.getBoundingClientRect();
      if (box.right > frame.right + 1 || box.left < frame.left - 1) {
        problems.push('scrolled out of sight: ' + el.tagName.toLowerCase() + (el.id ? '#' + el.id : '')
          + ' (' + Math.round(box.right - frame.right) + ' px past the edge of its region)');
      }
      break;
    }
  }
  const text = document.querySelector('main') ? document.querySelector('main').innerText : '';
  for (const word of text.match(/`[a-z_]+`/g) || []) problems.push('the API\'s word on the page: ' + word);
  return problems;
}
"""


def out_of_reach(page: Any) -> list[str]:
    """Controls a person cannot reach as the page is drawn, and words meant for programs."""
    found: list[str] = page.evaluate(_OUT_OF_REACH)
    return found
