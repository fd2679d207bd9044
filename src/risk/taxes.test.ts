import { describe, expect, it } from 'vitest';
import { parseRate } from '../duties/tariff.rates.ts';
import { taxOfResolved } from './taxes.ts';

describe('line taxes for the risk features', () => {
  it('reads the ad valorem percent and the kind of a national line’s rate', () => {
    const line = (text: string) => taxOfResolved({ ok: true, code: '61091000', rate: parseRate(text) });
    expect(line('16.5%')).toEqual({ rate: 16.5, type: 'AD_VALOREM' });
    expect(line('Free')).toEqual({ rate: 0, type: 'FREE' });
    expect(line('5.5¢/kg')).toEqual({ rate: 0, type: 'SPECIFIC' });
    expect(line('5.5¢/kg + 6%')).toEqual({ rate: 6, type: 'COMPOUND' });
    expect(taxOfResolved({ ok: false, several: true, message: 'several' })).toEqual({ rate: null, type: null });
  });
});
