// Small synthetic KCS-shaped declarations for tests: a few importers and goods, a known fraud
// pattern (one importer and one HS6 code are risky), dates spread over the given number of weeks.
import { mulberry32 } from '../domain/index.ts';
import { dayNumber } from './kcs-reader.ts';
import type { KcsRow } from './kcs-reader.ts';

export function syntheticRows(count: number, seed = 1, weeks = 8): KcsRow[] {
  const rng = mulberry32(seed);
  const start = dayNumber('2020-01-01');
  const rows: KcsRow[] = [];
  for (let i = 0; i < count; i++) {
    const day = start + Math.floor((i * weeks * 7) / count);
    const date = new Date(day * 86_400_000).toISOString().slice(0, 10);
    const importer = `IMP${Math.floor(rng() * 30)}`;
    const hs6 = ['851713', '620822', '940350', '440890'][Math.floor(rng() * 4)]!;
    const mass = 1 + rng() * 1000;
    const risky = (importer === 'IMP3' ? 0.6 : 0) + (hs6 === '620822' ? 0.3 : 0);
    const fraud = rng() < 0.1 + risky ? 1 : 0;
    rows.push({
      id: String(100000 + i),
      date,
      day,
      office: String(10 + Math.floor(rng() * 3) * 10),
      processType: 'B',
      importType: '11',
      importUse: '21',
      paymentType: '11',
      transportMode: rng() < 0.5 ? '10' : '40',
      declarant: `DEC${Math.floor(rng() * 5)}`,
      importer,
      seller: `SEL${Math.floor(rng() * 20)}`,
      courier: '',
      hs6,
      departureCountry: 'CN',
      originCountry: rng() < 0.8 ? 'CN' : 'VN',
      taxRate: 8,
      taxType: 'A',
      originIndicator: 'Y',
      netMass: mass,
      itemPrice: mass * (fraud === 1 ? 200 : 1000) * (0.5 + rng()),
      fraud,
      criticalFraud: fraud,
    });
  }
  return rows;
}
