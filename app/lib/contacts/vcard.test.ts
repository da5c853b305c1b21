import { describe, expect, it } from 'vitest';
import { generateUserKey } from '@/crypto/pgp';
import { contactErrors, decodeContact, encodeContact, mergeWithCorrespondents, normalizeContact, searchContacts } from './contact';
import { VcardError, parseVcards, toVcards } from './vcard';

describe('vCard', () => {
  it('round-trips names, several addresses, notes and a key through export and import', async () => {
    const key = await generateUserKey('Dave', 'dave@example.org');
    const contacts = [
      {
        name: 'Dave Smith, Jr.; the second',
        emails: ['dave@example.org', 'd.smith@example.net'],
        notes: 'Met at FOSDEM\nline two: a\\b',
        publicKey: key.publicKeyArmored.trim(),
      },
      { name: 'Zoë Ångström 🙂', emails: ['zoe@example.org'], notes: '', publicKey: '' },
      { name: '', emails: ['only-an-address@example.org'], notes: '', publicKey: '' },
    ];
    const file = toVcards(contacts);
    expect(file.match(/BEGIN:VCARD/g)).toHaveLength(3);
    expect(file).toContain('VERSION:4.0');
    expect(file).toContain('KEY:data:application/pgp-keys;base64,');
    const back = await parseVcards(file);
    // A contact without a name is exported with its address as FN (required) and comes back named by it.
    expect(back).toEqual({ contacts: [contacts[0], contacts[1], { ...contacts[2], name: 'only-an-address@example.org' }], skipped: 0 });
  });

  it('reads vCard 3.0 from other address books: N without FN, TYPE=PREF, folded lines, base64 keys', async () => {
    const key = await generateUserKey('Erin', 'erin@example.org');
    const binary = key.publicKeyArmored; // armored inside base64, as some exporters write
    const file = [
      'BEGIN:VCARD',
      'VERSION:3.0',
      'N:Example;Erin;Q.;Dr.;',
      'EMAIL;TYPE=INTERNET:erin.work@example.org',
      'EMAIL;TYPE=INTERNET,PREF:erin@example.org',
      'NOTE:a long note that is folded',
      '  across two lines',
      `KEY;TYPE=PGP;ENCODING=b:${Buffer.from(binary).toString('base64')}`,
      'TEL:+1 555 0100',
      'END:VCARD',
      'BEGIN:VCARD',
      'VERSION:3.0',
      'TEL:+1 555 0101',
      'END:VCARD',
      '',
    ].join('\n');
    const { contacts, skipped } = await parseVcards(file);
    expect(skipped).toBe(1);
    expect(contacts).toEqual([
      {
        name: 'Dr. Erin Q. Example',
        emails: ['erin@example.org', 'erin.work@example.org'],
        notes: 'a long note that is folded across two lines',
        publicKey: key.publicKeyArmored.trim(),
      },
    ]);
  });

  it('reads vCard 2.1 as Android exports it: bare parameters, quoted-printable UTF-8 with soft breaks', async () => {
    const file = [
      'BEGIN:VCARD',
      'VERSION:2.1',
      'N;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:Ange=C3=B1;=C3=89mile;;;',
      'FN;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:=C3=89mile Ange=C3=B1',
      'EMAIL;HOME:emile@example.org',
      'EMAIL;PREF;INTERNET:emile.pref@example.org',
      'NOTE;ENCODING=QUOTED-PRINTABLE:first line=0D=0Asecond, with a comma and a long=',
      ' tail',
      'END:VCARD',
      '',
    ].join('\r\n');
    expect(await parseVcards(file)).toEqual({
      contacts: [
        {
          name: 'Émile Angeñ',
          emails: ['emile.pref@example.org', 'emile@example.org'],
          notes: 'first line\nsecond, with a comma and a long tail',
          publicKey: '',
        },
      ],
      skipped: 0,
    });
  });

  it('refuses files that are not vCards, with a sentence saying so', async () => {
    await expect(parseVcards('name,email\nDave,dave@example.org\n')).rejects.toThrow(/holds no vCard/);
    await expect(parseVcards('BEGIN:VCARD\nVERSION:4.0\nFN:Dave\n')).rejects.toThrow(VcardError);
    await expect(parseVcards('BEGIN:VCARD\nVERSION:4.0\nFN:Dave\n')).rejects.toThrow(/not a valid vCard .*Nothing was imported/);
    await expect(parseVcards('BEGIN:VCALENDAR\nBEGIN:VCARD\nEND:VCARD\nEND:VCALENDAR\n')).rejects.toThrow(/VCALENDAR, not vCards/);
  });
});

describe('contacts', () => {
  it('encode and decode are inverse, and other bytes decode to null', () => {
    const fields = { name: 'Dave', emails: ['dave@example.org'], notes: 'n', publicKey: '' };
    expect(decodeContact(encodeContact(fields))).toEqual(fields);
    expect(decodeContact(new TextEncoder().encode('{"v":2}'))).toBeNull();
    expect(decodeContact(new Uint8Array([0xff, 0x00]))).toBeNull();
  });

  it('say what to fix', () => {
    expect(contactErrors({ name: '', emails: [], notes: '', publicKey: '' }).name).toMatch(/name or an address/);
    expect(contactErrors({ name: 'D', emails: ['not an address'], notes: '', publicKey: '' }).emails).toMatch(/isn't an email address/);
    expect(contactErrors({ name: 'D', emails: ['dave@example.org'], notes: '', publicKey: '' })).toEqual({});
    expect(
      normalizeContact({ name: ' Dave  S ', emails: ['Dave <dave@example.org>\nmailto:d2@example.org, DAVE@example.org'], notes: '', publicKey: '' }),
    ).toEqual({
      name: 'Dave S',
      emails: ['dave@example.org', 'd2@example.org'],
      notes: '',
      publicKey: '',
    });
  });

  it('search every word, and compose suggests contacts before mere correspondents', () => {
    const dave = { name: 'Dave Smith', emails: ['dave@example.org'], notes: 'bike club', publicKey: '' };
    const erin = { name: 'Erin', emails: ['erin@example.org'], notes: '', publicKey: '' };
    expect(searchContacts([dave, erin], 'smith BIKE')).toEqual([dave]);
    const merged = mergeWithCorrespondents(
      [erin, dave],
      [
        { name: 'Dan', address: 'dan@example.org', count: 9 },
        { name: 'D', address: 'DAVE@example.org', count: 3 },
      ],
    );
    expect(merged.map((c) => c.address)).toEqual(['dave@example.org', 'erin@example.org', 'dan@example.org']);
  });
});
