import {
  brazilianMobileVariants,
  jidToPhone,
  parseEvolutionJid,
  phoneToJid,
  toEvolutionNumber,
} from './evolution-jid';

describe('evolution-jid', () => {
  it('maps a user JID to the E.164 phone and back', () => {
    expect(jidToPhone('5511999999999@s.whatsapp.net')).toBe('+5511999999999');
    expect(phoneToJid('+5511999999999')).toBe('5511999999999@s.whatsapp.net');
    expect(phoneToJid('+55 (11) 99999-9999')).toBe('5511999999999@s.whatsapp.net');
  });

  it('drops the device suffix of a JID', () => {
    expect(parseEvolutionJid('5511999999999:12@s.whatsapp.net')).toEqual({
      type: 'phone',
      jid: '5511999999999@s.whatsapp.net',
      phone: '+5511999999999',
    });
  });

  it('keeps an @lid identity whole, with no phone', () => {
    expect(parseEvolutionJid('203853523529941@lid')).toEqual({
      type: 'lid',
      jid: '203853523529941@lid',
    });
    expect(jidToPhone('203853523529941@lid')).toBeUndefined();
  });

  it('recognises group JIDs, old and new style', () => {
    expect(parseEvolutionJid('120363025246125888@g.us')?.type).toBe('group');
    expect(parseEvolutionJid('5511999999999-1596041234@g.us')?.type).toBe('group');
  });

  it('reads nothing from broadcast lists or garbage', () => {
    expect(parseEvolutionJid('status@broadcast')).toBeUndefined();
    expect(parseEvolutionJid('not a jid')).toBeUndefined();
    expect(phoneToJid('12345')).toBeUndefined();
  });

  it('gives Evolution digits for a phone and the JID for a user or lid, never a group', () => {
    expect(toEvolutionNumber('+5511999999999')).toBe('5511999999999');
    expect(toEvolutionNumber('5511999999999@s.whatsapp.net')).toBe('5511999999999@s.whatsapp.net');
    expect(toEvolutionNumber('203853523529941@lid')).toBe('203853523529941@lid');
    expect(toEvolutionNumber('120363025246125888@g.us')).toBeUndefined();
    expect(toEvolutionNumber('+1 234')).toBeUndefined();
  });

  it('spells a Brazilian mobile both with and without the ninth digit', () => {
    expect(brazilianMobileVariants('+5531987654321')).toEqual(['+5531987654321', '+553187654321']);
    expect(brazilianMobileVariants('553187654321')).toEqual(['+553187654321', '+5531987654321']);
    expect(brazilianMobileVariants('+14155550100')).toEqual(['+14155550100']);
    expect(brazilianMobileVariants('+551130001000')).toEqual(['+551130001000']);
  });
});
