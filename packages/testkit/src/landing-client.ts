/**
 * What a browser without JavaScript does with a re-auth link: load the landing page, then press
 * its button (a form POST carrying the page's form key). Answers the POST, unfollowed.
 */
export async function pressButton(linkUrl: string, choice?: string): Promise<Response> {
  const page = await fetch(linkUrl);
  const key = /name="k" value="([^"]+)"/.exec(await page.text())?.[1] ?? '';
  return fetch(linkUrl, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ k: key, ...(choice !== undefined ? { choice } : {}) }),
  });
}
