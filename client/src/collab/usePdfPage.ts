import type { RenderTask } from 'pdfjs-dist';
import type { RefObject } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import type { PresentationView } from '../../../server/protocol/responses.js';
import type { RoomClient } from '../RoomClient.js';
import { presentation } from './pdfFiles.js';
import { type PageView, viewTransform } from './view.js';

/**
 * Renders page `page` of `p` into `canvas` (sized to its box, at the screen's pixel ratio),
 * showing `view` of it. Answers the page's aspect ratio (width / height) once known, and
 * sets `data-rendered` on the canvas to the page shown (the tests wait for it).
 */
export function usePdfPage(canvas: RefObject<HTMLCanvasElement>, c: RoomClient, p: PresentationView | undefined, page: number, view: PageView, size: string): number | undefined {
	const [aspect, setAspect] = useState<number>();
	useEffect(() => {
		const el = canvas.current;
		if (!el || !p) return;
		let cancelled = false;
		let task: RenderTask | undefined;
		el.removeAttribute('data-rendered');
		void presentation(c, p)
			.then((doc) => doc.getPage(Math.min(page, doc.numPages)))
			.then(async (pdfPage) => {
				if (cancelled) return;
				const whole = pdfPage.getViewport({ scale: 1 });
				setAspect(whole.width / whole.height);
				const ratio = window.devicePixelRatio || 1;
				const box = el.getBoundingClientRect();
				el.width = Math.max(1, Math.round(box.width * ratio));
				el.height = Math.max(1, Math.round(box.height * ratio));
				task = pdfPage.render({ canvas: el, viewport: pdfPage.getViewport({ scale: el.width / whole.width }), transform: viewTransform(view, el.width, el.height), background: '#ffffff' });
				await task.promise;
				if (!cancelled) el.dataset.rendered = String(page);
			})
			.catch(() => undefined); // a cancelled render, or a presentation removed meanwhile
		return () => {
			cancelled = true;
			task?.cancel();
		};
	}, [canvas, c, p?.id, page, view.zoom, view.x, view.y, size]);
	return aspect;
}
