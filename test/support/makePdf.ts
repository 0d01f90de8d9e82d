/**
 * A small PDF made by hand for the tests: one page per entry, each a filled rectangle in its
 * colour (RGB 0…1) over most of the page and a line of text in Helvetica. Content streams are
 * not compressed, so the text is in the file's bytes as written (the audit looks for it).
 * `padBytes` of comment after the header make the file larger (several upload parts).
 */
export function makePdf(pages: Array<{ rgb: [number, number, number]; text: string }>, padBytes = 0): Buffer {
	const objects: string[] = [];
	const pageIds = pages.map((_, i) => 4 + i * 2);
	objects[1] = '<< /Type /Catalog /Pages 2 0 R >>';
	objects[2] = `<< /Type /Pages /Kids [${pageIds.map((id) => `${id} 0 R`).join(' ')}] /Count ${pages.length} >>`;
	objects[3] = '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>';
	pages.forEach((p, i) => {
		const id = pageIds[i] as number;
		const text = p.text.replace(/[\\()]/g, (ch) => `\\${ch}`);
		const stream = `${p.rgb.join(' ')} rg 40 40 720 440 re f\nBT /F1 28 Tf 0 0 0 rg 60 540 Td (${text}) Tj ET\n`;
		objects[id] = `<< /Type /Page /Parent 2 0 R /MediaBox [0 0 800 600] /Resources << /Font << /F1 3 0 R >> >> /Contents ${id + 1} 0 R >>`;
		objects[id + 1] = `<< /Length ${Buffer.byteLength(stream, 'latin1')} >>\nstream\n${stream}endstream`;
	});
	// Padding (a comment after the header) makes a file of several upload parts.
	let out = `%PDF-1.4\n${padBytes > 0 ? `%${'p'.repeat(padBytes)}\n` : ''}`;
	const offsets: number[] = [];
	for (let id = 1; id < objects.length; id++) {
		offsets[id] = Buffer.byteLength(out, 'latin1');
		out += `${id} 0 obj\n${objects[id]}\nendobj\n`;
	}
	const xref = Buffer.byteLength(out, 'latin1');
	out += `xref\n0 ${objects.length}\n0000000000 65535 f \n`;
	for (let id = 1; id < objects.length; id++) out += `${String(offsets[id]).padStart(10, '0')} 00000 n \n`;
	out += `trailer\n<< /Size ${objects.length} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
	return Buffer.from(out, 'latin1');
}
