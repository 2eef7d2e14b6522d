/**
 * A false-positive corpus: generated clinical-looking text that holds no patient identifier
 * but is full of what resembles one: dates and times in every usual spelling, phone
 * numbers of the US, UK, France, Germany, Spain and Australia, doses and lab values,
 * order, accession, lot and invoice numbers of every length, bare and grouped, postcodes,
 * timestamps, versions, IP addresses. Whatever a detector finds here is a false positive
 * (a random reference number may happen to pass a checksum: that is exactly the rate to
 * know). `npm run bench` reports the rate per detector and `validate` the rate of each
 * organisation pattern; docs/data-protection.md lists the figures.
 *
 * Deterministic: the same seed gives the same lines, so figures are comparable across runs.
 */

export interface CorpusLine {
  text: string;
  /** The template it came from (the bench names the shapes that trip a detector). */
  shape: string;
}

function rng(seed: number): () => number {
  // mulberry32: small, fast, good enough to spread digits evenly.
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Gen = (r: () => number) => string;

const int = (r: () => number, lo: number, hi: number) => lo + Math.floor(r() * (hi - lo + 1));
const digits = (r: () => number, n: number) => {
  let s = String(int(r, 1, 9));
  for (let i = 1; i < n; i++) s += Math.floor(r() * 10);
  return s;
};
const pad = (n: number, w = 2) => String(n).padStart(w, '0');
const one = <T>(r: () => number, list: readonly T[]): T => list[Math.floor(r() * list.length)]!;
const group = (s: string, sizes: number[], sep: string) => {
  const out: string[] = [];
  let i = 0;
  for (const n of sizes) {
    out.push(s.slice(i, i + n));
    i += n;
  }
  return out.join(sep);
};

const date: Gen = (r) => {
  const y = int(r, 1930, 2026);
  const m = int(r, 1, 12);
  const d = int(r, 1, 28);
  return one(r, [
    `${pad(d)}/${pad(m)}/${y}`,
    `${pad(m)}/${pad(d)}/${y}`,
    `${y}-${pad(m)}-${pad(d)}`,
    `${pad(d)}.${pad(m)}.${y}`,
    `${pad(d)}${pad(m)}${String(y).slice(2)}`,
    `${pad(d)}-${pad(m)}-${String(y).slice(2)}`,
    `${d} ${one(r, ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'])} ${y}`,
  ]);
};
const time: Gen = (r) => one(r, [`${pad(int(r, 0, 23))}:${pad(int(r, 0, 59))}`, `${pad(int(r, 0, 23))}${pad(int(r, 0, 59))}`, `${int(r, 1, 12)}:${pad(int(r, 0, 59))} ${one(r, ['am', 'pm'])}`]);

const phone: Gen = (r) => {
  const area = `${int(r, 2, 9)}${int(r, 0, 9)}${int(r, 0, 9)}`;
  const exch = `${int(r, 2, 9)}${int(r, 0, 9)}${int(r, 0, 9)}`;
  const line = digits(r, 4).replace(/^./, String(int(r, 0, 9)));
  return one(r, [
    `(${area}) ${exch}-${line}`,
    `${area}-${exch}-${line}`,
    `${area}.${exch}.${line}`,
    `${area} ${exch} ${line}`,
    `${area}${exch}${line}`,
    `+1 ${area} ${exch} ${line}`,
    `+44 20 ${digits(r, 4)} ${digits(r, 4)}`,
    `07${digits(r, 3)} ${digits(r, 6)}`,
    `01${digits(r, 3)} ${digits(r, 3)} ${digits(r, 3)}`,
    `+33 ${int(r, 1, 9)} ${digits(r, 2)} ${digits(r, 2)} ${digits(r, 2)} ${digits(r, 2)}`,
    `0${int(r, 1, 9)} ${digits(r, 2)} ${digits(r, 2)} ${digits(r, 2)} ${digits(r, 2)}`,
    `+49 30 ${digits(r, 6)}`,
    `0${int(r, 30, 89)} ${digits(r, 7)}`,
    `+34 ${int(r, 6, 9)}${digits(r, 2)} ${digits(r, 3)} ${digits(r, 3)}`,
    `+61 ${int(r, 2, 8)} ${digits(r, 4)} ${digits(r, 4)}`,
    `04${digits(r, 2)} ${digits(r, 3)} ${digits(r, 3)}`,
  ]);
};

/**
 * A reference number of some length: mostly bare, sometimes in groups of three or four, and
 * ten-digit ones also as a phone number is written (3 3 4).
 */
const reference: Gen = (r) => {
  const n = int(r, 6, 19);
  const s = digits(r, n);
  const grouped: string[] = [];
  if (n % 4 === 0) grouped.push(group(s, Array(n / 4).fill(4), ' '), group(s, Array(n / 4).fill(4), '-'));
  if (n % 3 === 0) grouped.push(group(s, Array(n / 3).fill(3), ' '), group(s, Array(n / 3).fill(3), '-'));
  if (n === 10) grouped.push(group(s, [3, 3, 4], ' '), group(s, [3, 3, 4], '-'));
  return grouped.length > 0 && r() < 0.4 ? one(r, grouped) : s;
};
const code: Gen = (r) => {
  const L = 'ABCDEFGHJKLMNPQRSTUVWXYZ';
  return one(r, [
    `${one(r, [...L])}${digits(r, int(r, 5, 10))}`,
    `${one(r, [...L])}${one(r, [...L])}${digits(r, int(r, 4, 8))}`,
    `${digits(r, int(r, 1, 3))}${one(r, [...L])}${digits(r, int(r, 2, 6))}`,
    `${digits(r, 8)}${one(r, [...L])}`,
    `1Z${digits(r, 3)}${one(r, [...L])}${one(r, [...L])}${digits(r, 10)}`,
  ]);
};
const guid: Gen = (r) => {
  const h = () => Math.floor(r() * 16).toString(16);
  const part = (n: number) => Array.from({ length: n }, h).join('');
  return `${part(8)}-${part(4)}-${part(4)}-${part(4)}-${part(12)}`;
};
const lab: Gen = (r) =>
  one(r, [
    `HbA1c ${int(r, 5, 11)}.${int(r, 0, 9)}% (${int(r, 31, 97)} mmol/mol)`,
    `eGFR ${int(r, 15, 120)} mL/min/1.73m2`,
    `Na ${int(r, 128, 148)}, K ${int(r, 3, 5)}.${int(r, 0, 9)}, Cr ${int(r, 40, 180)} umol/L`,
    `WBC ${int(r, 2, 19)}.${int(r, 0, 9)} x10^9/L, Hb ${int(r, 80, 170)} g/L, Plt ${int(r, 90, 450)}`,
    `BP ${int(r, 95, 180)}/${int(r, 55, 110)}, HR ${int(r, 48, 130)}, RR ${int(r, 10, 28)}, SpO2 ${int(r, 88, 100)}%`,
    `T ${int(r, 35, 40)}.${int(r, 0, 9)} C, weight ${int(r, 40, 140)}.${int(r, 0, 9)} kg, height ${int(r, 140, 200)} cm`,
    `INR ${int(r, 0, 4)}.${int(r, 0, 9)}; CRP ${int(r, 1, 250)} mg/L; troponin ${int(r, 1, 900)} ng/L`,
  ]);
const dose: Gen = (r) =>
  `${one(r, ['metformin', 'lisinopril', 'amoxicillin', 'atorvastatin', 'apixaban', 'sertraline', 'insulin glargine', 'paracetamol', 'ibuprofen', 'levothyroxine'])} ${one(r, [
    `${int(r, 1, 1000)} mg ${one(r, ['daily', 'BID', 'TID', 'at night', 'PRN'])}`,
    `${int(r, 1, 100)} units at ${time(r)}`,
    `${int(r, 25, 200)} mcg once daily`,
  ])}`;
const money: Gen = (r) => one(r, [`$${int(r, 1, 99)},${digits(r, 3)}.${digits(r, 2)}`, `€${int(r, 1, 9999)},${pad(int(r, 0, 99))}`, `£${int(r, 1, 9999)}.${pad(int(r, 0, 99))}`]);
const postcode: Gen = (r) => one(r, [`${digits(r, 5)}`, `${digits(r, 5)}-${digits(r, 4)}`, `SW1A ${int(r, 1, 9)}AA`, `${digits(r, 5)} Berlin`, `${int(r, 2000, 7999)} NSW`]);
const misc: Gen = (r) =>
  one(r, [
    `v${int(r, 1, 20)}.${int(r, 0, 40)}.${int(r, 0, 99)}`,
    `${int(r, 10, 223)}.${int(r, 0, 255)}.${int(r, 0, 255)}.${int(r, 1, 254)}`,
    `${int(r, 1_500_000_000, 1_800_000_000)}`,
    `${int(r, 2000, 2026)}-${pad(int(r, 1, 12))}-${pad(int(r, 1, 28))}T${pad(int(r, 0, 23))}:${pad(int(r, 0, 59))}:00Z`,
    `ISBN 978-${int(r, 0, 1)}-${digits(r, 3)}-${digits(r, 5)}-${int(r, 0, 9)}`,
    guid(r),
    `room ${int(r, 1, 9)}${one(r, ['A', 'B', 'C'])}, bed ${int(r, 1, 40)}, ext. ${digits(r, 4)}`,
  ]);

/** Sentence templates: what a clinician writes about visits, results and arrangements. */
const TEMPLATES: Array<[string, (r: () => number) => string]> = [
  ['visit', (r) => `Seen in clinic on ${date(r)} at ${time(r)}; follow-up on ${date(r)}.`],
  ['vitals', (r) => `${lab(r)}. Patient comfortable, plan discussed.`],
  ['meds', (r) => `Continue ${dose(r)}; start ${dose(r)} from ${date(r)}.`],
  ['phone', (r) => `Please call the clinic on ${phone(r)} or the ward on ${phone(r)} before ${time(r)}.`],
  ['order', (r) => `Order ${reference(r)} placed; accession ${reference(r)}, results expected ${date(r)}.`],
  ['invoice', (r) => `Invoice ${reference(r)} for ${money(r)} sent on ${date(r)}, PO ${digits(r, int(r, 6, 10))}.`],
  ['lot', (r) => `Vaccine lot ${code(r)} given ${date(r)} ${time(r)}, site left deltoid; device serial ${code(r)}.`],
  ['address', (r) => `Referral letter sent to ${int(r, 1, 999)} Market Street, ${postcode(r)}, fax ${phone(r)}.`],
  ['system', (r) => `Ticket ${reference(r)} logged from ${misc(r)} at ${misc(r)}.`],
  ['scan', (r) => `CT ref ${reference(r)} reported ${date(r)}: no acute findings; prior ${code(r)} compared.`],
  ['de', (r) => `Termin am ${date(r)} um ${time(r)} Uhr, Rückruf unter ${phone(r)}, Auftragsnr. ${reference(r)}.`],
  ['fr', (r) => `Rendez-vous le ${date(r)} à ${time(r)}, tél. ${phone(r)}, dossier ${reference(r)}.`],
  // A keyword that names an identifier, next to a number that is not one.
  ['keyword', (r) => one(r, [`NHS 111 advised; case ${reference(r)}.`, `Medicare claim ${reference(r)} submitted ${date(r)}.`, `SSN on file; claim ${reference(r)}.`, `CHI checked; ticket ${reference(r)}.`])],
  ['es', (r) => `Cita el ${date(r)} a las ${time(r)}, teléfono ${phone(r)}, referencia ${code(r)}.`],
];

export const CORPUS_SEED = 20261204;

export function falsePositiveCorpus(lines: number, seed = CORPUS_SEED): CorpusLine[] {
  const r = rng(seed);
  const out: CorpusLine[] = [];
  for (let i = 0; i < lines; i++) {
    const [shape, gen] = TEMPLATES[i % TEMPLATES.length]!;
    out.push({ shape, text: gen(r) });
  }
  return out;
}
