/**
 * The state diagram of a body, drawn as SVG from the statechart itself (`bodyMachine.root`):
 * every state node and every transition the machine defines, never a hand-made copy.
 * Top-level states are laid out top-down by their distance from the initial state; compound
 * states lay out their children in a row, parallel states stack their regions.
 */
import type { AnyStateNode } from 'xstate';
import { STATE_LABELS, bodyMachine, eventLabel } from '../../machines';
import { escapeHtml } from './templates';
import { wrapWords } from './text-lines';

export interface DiagramMarks {
  /** Dotted state paths the body is in now (`active`, `active.term.running`, …). */
  current: string[];
  /** Dotted state paths the body has been in. */
  visited: string[];
}

export interface DiagramTransition {
  source: string;
  target: string | null;
  event: string;
  label: string;
  automatic: boolean;
}

interface Box {
  node: AnyStateNode;
  path: string;
  x: number;
  y: number;
  w: number;
  h: number;
  children: Box[];
}

const ATOMIC_W = 142;
const LINE_H = 15;
const PAD = 12;
const HEADER = 24;
const GAP_X = 90;
const GAP_Y = 56;
const ARC_SPACE = 58;
const SIBLING_GAP = 96;
const MAX_CHARS = 19;

const pathOf = (node: AnyStateNode) => node.path.join('.');
const labelOf = (path: string) => STATE_LABELS[path] ?? path.split('.').at(-1)!;
export const stateLabelOf = (path: string) => labelOf(path);

const wrap = (text: string, max = MAX_CHARS) => wrapWords(text, max);

/** An edge label, wrapped onto short lines, with a white halo (CSS) so it stays legible over lines. */
function labelSvg(text: string, x: number, y: number, anchor: 'start' | 'middle' | 'end' = 'middle', max = 18): string {
  const lines = wrap(text, max);
  const top = y - ((lines.length - 1) * 12) / 2;
  return `<text x="${x}" y="${top}" text-anchor="${anchor}">${lines
    .map((line, i) => `<tspan x="${x}" dy="${i === 0 ? 0 : 12}">${escapeHtml(line)}</tspan>`)
    .join('')}</text>`;
}

const childrenOf = (node: AnyStateNode) => Object.values(node.states) as AnyStateNode[];

/** Sizes a state and its descendants; positions are relative to the parent until `place`. */
function measure(node: AnyStateNode): Box {
  const path = pathOf(node);
  const kids = childrenOf(node);
  if (kids.length === 0) {
    const h = Math.max(44, wrap(labelOf(path)).length * LINE_H + 18);
    return { node, path, x: 0, y: 0, w: ATOMIC_W, h, children: [] };
  }
  const children = kids.map(measure);
  if (node.type === 'parallel') {
    let y = HEADER + 4;
    const w = Math.max(...children.map((c) => c.w)) + 2 * PAD;
    for (const child of children) {
      child.x = PAD;
      child.y = y;
      child.w = w - 2 * PAD;
      y += child.h + 10;
    }
    return { node, path, x: 0, y: 0, w, h: y + PAD - 10 + 4, children };
  }
  // A compound state: children in a row, room above and below for arcs.
  let x = PAD;
  const rowH = Math.max(...children.map((c) => c.h));
  for (const child of children) {
    child.x = x;
    child.y = HEADER + ARC_SPACE;
    child.h = rowH;
    x += child.w + SIBLING_GAP;
  }
  return { node, path, x: 0, y: 0, w: x - SIBLING_GAP + PAD, h: HEADER + ARC_SPACE + rowH + ARC_SPACE, children };
}

function absolute(box: Box, dx: number, dy: number): void {
  box.x += dx;
  box.y += dy;
  if (box.node.type === 'parallel') {
    for (const child of box.children) absolute(child, box.x, box.y);
  } else if (box.children.length > 0) {
    // Centre the row of a compound state that is wider than it needs to be.
    const used = box.children.at(-1)!.x + box.children.at(-1)!.w + PAD;
    const shift = Math.max(0, (box.w - used) / 2);
    for (const child of box.children) absolute(child, box.x + shift, box.y);
  }
}

/** Why an automatic (eventless) transition happens: the term turns permanent, or the reports' Fristen move. */
export function automaticLabel(target: string): string {
  return target === 'active.term.permanent' ? 'automatisch (dauerhaft eingerichtet)' : 'automatisch (folgt aus den Berichtspflichten)';
}

/** Every transition of the machine, with its source and target as state paths. */
export function machineTransitions(): DiagramTransition[] {
  const out: DiagramTransition[] = [];
  const visit = (node: AnyStateNode) => {
    for (const [event, list] of node.transitions) {
      for (const t of list) {
        const targets = t.target ?? [];
        if (targets.length === 0) out.push({ source: pathOf(node), target: null, event, label: eventLabel(event), automatic: false });
        for (const target of targets) out.push({ source: pathOf(node), target: pathOf(target), event, label: eventLabel(event), automatic: false });
      }
    }
    for (const t of node.always ?? []) {
      for (const target of t.target ?? []) {
        out.push({ source: pathOf(node), target: pathOf(target), event: '', label: automaticLabel(pathOf(target)), automatic: true });
      }
    }
    childrenOf(node).forEach(visit);
  };
  visit(bodyMachine.root);
  return out;
}

/**
 * One edge per pair of states: the transitions between the same two states (the term runs out, or
 * an extension to a day already past) are drawn once, their labels joined („Laufzeit abgelaufen /
 * Verlängert“); two edges on one path would print their labels over each other.
 */
export function diagramEdges(transitions: readonly DiagramTransition[]): DiagramTransition[] {
  const edges = new Map<string, DiagramTransition>();
  for (const t of transitions) {
    if (!t.target || t.target === t.source) continue;
    const key = `${t.source} ${t.target} ${t.automatic}`;
    const edge = edges.get(key);
    if (!edge) edges.set(key, { ...t });
    else if (!edge.label.split(' / ').includes(t.label)) edge.label = `${edge.label} / ${t.label}`;
  }
  return [...edges.values()];
}

/** Top-level states by rank: breadth-first from the initial state over the transitions between them. */
function ranks(top: AnyStateNode[], transitions: DiagramTransition[]): AnyStateNode[][] {
  const topOf = (path: string) => path.split('.')[0];
  const rank = new Map<string, number>();
  const initial = (bodyMachine.root.initial?.target?.[0] as AnyStateNode | undefined)?.key ?? top[0].key;
  rank.set(initial, 0);
  const queue = [initial];
  while (queue.length > 0) {
    const at = queue.shift()!;
    for (const t of transitions) {
      if (!t.target || topOf(t.source) !== at) continue;
      const to = topOf(t.target);
      if (!rank.has(to)) {
        rank.set(to, rank.get(at)! + 1);
        queue.push(to);
      }
    }
  }
  const rows: AnyStateNode[][] = [];
  for (const node of top) {
    const r = rank.get(node.key) ?? Math.max(0, ...rank.values()) + 1;
    (rows[r] ??= []).push(node);
  }
  return rows.filter(Boolean);
}

/** The SVG of the statechart with the body's current state highlighted and the visited states marked. */
export function stateDiagramSvg(marks: DiagramMarks, options: { id?: string; title?: string } = {}): string {
  const id = options.id ?? 'state-diagram';
  const transitions = machineTransitions();
  const top = childrenOf(bodyMachine.root);
  const rows = ranks(top, transitions).map((row) => row.map(measure));
  // The first state of each row stands on one vertical spine (the usual path through the life);
  // the others follow to its right.
  const spine = 150 + Math.max(...rows.map((row) => row[0].w / 2));
  let y = 20;
  let width = 0;
  for (const row of rows) {
    let x = spine - row[0].w / 2;
    const rowH = Math.max(...row.map((b) => b.h));
    for (const box of row) {
      absolute(box, x, y + (rowH - box.h) / 2);
      x += box.w + GAP_X;
    }
    width = Math.max(width, x - GAP_X + 150);
    y += rowH + GAP_Y;
  }
  const height = y - GAP_Y + 20;
  const boxes = new Map<string, Box>();
  const index = (box: Box) => {
    boxes.set(box.path, box);
    box.children.forEach(index);
  };
  rows.flat().forEach(index);

  const current = new Set(marks.current);
  const visited = new Set(marks.visited);
  const nodeSvg = (box: Box): string => {
    const cls = current.has(box.path) ? 'current' : visited.has(box.path) ? 'visited' : 'pending';
    const isLeaf = box.children.length === 0;
    const label = labelOf(box.path);
    const final = box.node.type === 'final';
    const status = cls === 'current' ? ' (aktueller Zustand)' : cls === 'visited' ? ' (durchlaufen)' : '';
    let svg = `<g class="state ${cls}${isLeaf ? '' : ' compound'}" data-state="${escapeHtml(box.path)}"><title>${escapeHtml(label + status)}</title>`;
    svg += `<rect x="${box.x}" y="${box.y}" width="${box.w}" height="${box.h}" rx="${isLeaf ? 10 : 6}"/>`;
    if (final) svg += `<rect class="final-ring" x="${box.x + 4}" y="${box.y + 4}" width="${box.w - 8}" height="${box.h - 8}" rx="7"/>`;
    if (isLeaf) {
      const lines = wrap(label);
      const top0 = box.y + box.h / 2 - ((lines.length - 1) * LINE_H) / 2 + 4;
      svg += lines.map((line, i) => `<text x="${box.x + box.w / 2}" y="${top0 + i * LINE_H}" text-anchor="middle">${escapeHtml(line)}</text>`).join('');
    } else {
      svg += `<text class="heading" x="${box.x + 8}" y="${box.y + 17}">${escapeHtml(label)}${box.node.type === 'parallel' ? ' (parallel)' : ''}</text>`;
      svg += box.children.map(nodeSvg).join('');
    }
    return svg + '</g>';
  };

  const edgeSvg = (t: DiagramTransition): string => {
    const from = boxes.get(t.source);
    const to = t.target ? boxes.get(t.target) : undefined;
    if (!from || !to || from === to) return '';
    const siblings = from.path.split('.').length === to.path.split('.').length && from.path.split('.').slice(0, -1).join('.') === to.path.split('.').slice(0, -1).join('.');
    let d: string;
    let text = '';
    if (siblings && from.path.includes('.')) {
      // Inside a compound state: neighbours directly, others by an arc above (backwards) or below
      // (forwards), deeper the farther they reach, so that arcs and their labels do not overlap.
      const forward = to.x > from.x;
      const span = Math.round(Math.abs(to.x - from.x) / (from.w + SIBLING_GAP));
      if (span <= 1 && forward && !t.automatic) {
        const yy = from.y + from.h / 2;
        d = `M${from.x + from.w},${yy} L${to.x},${yy}`;
        // Above the line; a label of three lines or more is raised so that its last line stays clear of it.
        const lines = wrap(t.label, 14).length;
        text = labelSvg(t.label, (from.x + from.w + to.x) / 2, Math.min(yy - 16, yy - 6 - (lines - 1) * 6), 'middle', 14);
      } else {
        const above = !forward;
        const shift = t.automatic ? 22 : 12;
        const sx = from.x + from.w / 2 + (forward ? shift : -shift);
        const tx = to.x + to.w / 2 + (forward ? -shift : shift);
        const sy = above ? from.y : from.y + from.h;
        const ty = above ? to.y : to.y + to.h;
        const depth = Math.min(ARC_SPACE - 10, 8 + span * 12);
        const bend = (above ? -1 : 1) * depth * 1.33;
        d = `M${sx},${sy} C${sx},${sy + bend} ${tx},${ty + bend} ${tx},${ty}`;
        // Automatic transitions (dashed) carry no label: the legend explains them.
        if (!t.automatic) text = labelSvg(t.label, (sx + tx) / 2, sy + (above ? -depth - 3 : depth + 10), 'middle', 40);
      }
    } else if (to.y > from.y + from.h - 1) {
      const sx = from.x + from.w / 2;
      const sy = from.y + from.h;
      const tx = to.x + to.w / 2;
      const ty = to.y;
      if (ty - sy > 1.5 * GAP_Y && Math.abs(tx - sx) > from.w / 2) {
        // Far below and to the side: down into the gap under the source's row, across, then down,
        // so the line does not cut through the states in between.
        const gy = sy + GAP_Y / 2;
        const r = 10;
        const dir = tx > sx ? 1 : -1;
        d = `M${sx},${sy} L${sx},${gy - r} Q${sx},${gy} ${sx + dir * r},${gy} L${tx - dir * r},${gy} Q${tx},${gy} ${tx},${gy + r} L${tx},${ty}`;
        text = labelSvg(t.label, tx + dir * 6, gy + 16, dir > 0 ? 'start' : 'end', 22);
      } else if (Math.abs(tx - sx) > from.w / 2) {
        // Diagonal: from the corner that faces the target; the label beside the arrow's end.
        const cx = tx > sx ? from.x + from.w * 0.8 : from.x + from.w * 0.2;
        const dy = (ty - sy) / 2;
        d = `M${cx},${sy} C${cx},${sy + dy} ${tx},${ty - dy} ${tx},${ty}`;
        text = labelSvg(t.label, tx + (tx > sx ? 8 : -8), ty - 12, tx > sx ? 'start' : 'end', 22);
      } else {
        const dy = (ty - sy) / 2;
        d = `M${sx},${sy} C${sx},${sy + dy} ${tx},${ty - dy} ${tx},${ty}`;
        text = labelSvg(t.label, (sx + tx) / 2 + 8, (sy + ty) / 2 + 4, 'start', 26);
      }
    } else if (to.y + to.h < from.y + 1) {
      // Back up: around the left side, the label outside the loop.
      const sx = from.x;
      const sy = from.y + from.h / 2;
      const tx = to.x;
      const ty = to.y + to.h / 2;
      const bulge = Math.min(sx, tx) - 60;
      d = `M${sx},${sy} C${bulge},${sy} ${bulge},${ty} ${tx},${ty}`;
      text = labelSvg(t.label, bulge + 8, (sy + ty) / 2 + 4, 'end', 16);
    } else {
      const rightwards = to.x > from.x;
      const sx = rightwards ? from.x + from.w : from.x;
      const tx = rightwards ? to.x : to.x + to.w;
      const sy = from.y + from.h / 2;
      const ty = to.y + to.h / 2;
      d = `M${sx},${sy} L${tx},${ty}`;
      text = labelSvg(t.label, (sx + tx) / 2, (sy + ty) / 2 - 14, 'middle', 14);
    }
    const taken = current.has(t.target!) && visited.has(t.source);
    return `<g class="transition${t.automatic ? ' automatic' : ''}${taken ? ' taken' : ''}"><title>${escapeHtml(`${labelOf(t.source)} → ${labelOf(t.target!)}: ${t.label}`)}</title><path d="${d}" marker-end="url(#${id}-arrow)"/>${text}</g>`;
  };

  const currentLeaves = marks.current.filter((p) => !marks.current.some((o) => o.startsWith(`${p}.`)));
  const visitedLabels = [...new Set(marks.visited.filter((p) => !current.has(p)).map(labelOf))];
  const title = options.title ?? 'Zustandsdiagramm des Lebenslaufs';
  const desc =
    currentLeaves.length > 0
      ? `Aktueller Zustand: ${currentLeaves.map(labelOf).join(', ')}. ${visitedLabels.length ? `Bereits durchlaufen: ${visitedLabels.join(', ')}.` : ''} Die Übergänge sind unten als Tabelle aufgeführt.`
      : 'Alle Zustände und Übergänge des Lebenslaufs; die Übergänge sind unten als Tabelle aufgeführt.';

  return [
    `<svg class="state-diagram" id="${id}" role="img" aria-labelledby="${id}-title ${id}-desc" viewBox="0 0 ${Math.ceil(width)} ${Math.ceil(height)}" width="${Math.ceil(width)}" height="${Math.ceil(height)}" xmlns="http://www.w3.org/2000/svg">`,
    `<title id="${id}-title">${escapeHtml(title)}</title><desc id="${id}-desc">${escapeHtml(desc)}</desc>`,
    `<defs><marker id="${id}-arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" class="arrowhead"/></marker></defs>`,
    rows.flat().map(nodeSvg).join(''),
    `<g class="transitions">${diagramEdges(transitions).map(edgeSvg).join('')}</g>`,
    '</svg>',
  ].join('');
}
