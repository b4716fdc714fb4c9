// Camera metadata for test photos: a JPEG with an EXIF block naming the camera and where the
// photo was taken, so tests can check that none of it reaches the server's copy.

type Entry = { tag: number; type: number; count: number; value: number[] };

const ASCII = 2, LONG = 4, RATIONAL = 5;

const u16 = (n: number) => [n & 0xff, (n >> 8) & 0xff];
const u32 = (n: number) => [n & 0xff, (n >> 8) & 0xff, (n >> 16) & 0xff, (n >>> 24) & 0xff];
const ascii = (tag: number, text: string): Entry => {
  const value = [...Buffer.from(text + '\0', 'latin1')];
  return { tag, type: ASCII, count: value.length, value };
};
const rationals = (tag: number, parts: [number, number][]): Entry =>
  ({ tag, type: RATIONAL, count: parts.length, value: parts.flatMap(([n, d]) => [...u32(n), ...u32(d)]) });

/** Appends an IFD to `tiff` (offsets count from its start), longer values right after it. */
function writeIfd(tiff: number[], entries: Entry[]) {
  const table = 2 + entries.length * 12 + 4;
  const start = tiff.length;
  const data: number[] = [];
  tiff.push(...u16(entries.length));
  for (const e of entries) {
    tiff.push(...u16(e.tag), ...u16(e.type), ...u32(e.count));
    if (e.value.length <= 4) tiff.push(...e.value, ...new Array(4 - e.value.length).fill(0));
    else {
      tiff.push(...u32(start + table + data.length));
      data.push(...e.value);
      if (data.length % 2) data.push(0);
    }
  }
  tiff.push(...u32(0), ...data);
}

/** The JPEG with an APP1 EXIF block: Make "ReadyCam", Model "Ward Tablet" and a GPS position. */
export function withExif(jpeg: Buffer): Buffer {
  const ifd0 = (gpsAt: number) => [
    ascii(0x010f, 'ReadyCam'),
    ascii(0x0110, 'Ward Tablet'),
    { tag: 0x8825, type: LONG, count: 1, value: u32(gpsAt) },
  ];
  const header = [0x49, 0x49, 0x2a, 0, 8, 0, 0, 0];
  const probe = [...header];
  writeIfd(probe, ifd0(0));
  const tiff = [...header];
  writeIfd(tiff, ifd0(probe.length));
  writeIfd(tiff, [
    ascii(0x0001, 'N'),
    rationals(0x0002, [[51, 1], [30, 1], [2634, 100]]),
    ascii(0x0003, 'W'),
    rationals(0x0004, [[0, 1], [7, 1], [3960, 100]]),
  ]);
  const block = [...Buffer.from('Exif\0\0', 'latin1'), ...tiff];
  const segment = Buffer.from([0xff, 0xe1, ...[(block.length + 2) >> 8, (block.length + 2) & 0xff], ...block]);
  return Buffer.concat([jpeg.subarray(0, 2), segment, jpeg.subarray(2)]);
}

/** The markers of a JPEG's header segments, up to the start of the scan. */
export function headerMarkers(jpeg: Buffer): number[] {
  const markers: number[] = [];
  let at = 2;
  while (at + 4 <= jpeg.length && jpeg[at] === 0xff) {
    const marker = jpeg[at + 1];
    markers.push(marker);
    if (marker === 0xda) break;
    at += 2 + jpeg.readUInt16BE(at + 2);
  }
  return markers;
}
