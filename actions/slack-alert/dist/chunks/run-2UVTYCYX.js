import{createRequire as __cr}from"node:module";const require=__cr(import.meta.url);
import"./chunk-SHBLBNGB.js";import{appendFile as p}from"node:fs/promises";function f(t){return Object.entries(t).filter(([,e])=>e?.result==="failure"||e?.result==="cancelled").map(([e,n])=>({job:e,result:n?.result??""}))}function m(t){let e=t.runAttempt&&t.runAttempt!=="1"?`/attempts/${t.runAttempt}`:"";return`${t.serverUrl.replace(/\/+$/,"")}/${t.repository}/actions/runs/${t.runId}${e}`}function l(t,e,n){let o=f(e),i=o.length?o.map(s=>s.result==="failure"?s.job:`${s.job} (${s.result})`).join(", "):"see the run";return`:x: ${n||`${t.workflow} failed in ${t.repository}${t.ref?` (${t.ref})`:""}`}
Failed: ${i}
<${m(t)}|Open the run>`}async function c(t,e,n={}){let o=n.attempts??3,i=n.fetch??fetch,a="";for(let s=1;s<=o;s++){try{let r=await i(t,{method:"POST",headers:{"content-type":"application/json"},body:JSON.stringify({text:e}),signal:AbortSignal.timeout(3e4)});if(r.ok)return;if(a=`HTTP ${r.status}: ${(await r.text()).slice(0,200)}`,r.status<500&&r.status!==429)break}catch(r){a=r instanceof Error?r.message:String(r)}s<o&&await new Promise(r=>setTimeout(r,(n.delayMs??2e3)*s))}throw new Error(`Slack webhook refused the alert: ${a.split(t).join("<webhook>")}`)}function u(t,e){return[`### Slack alert ${e?"sent":"not sent (no webhook)"}`,"","```",t,"```"].join(`
`)}async function $(t,e=process.env){let n={workflow:e.GITHUB_WORKFLOW??"workflow",repository:e.GITHUB_REPOSITORY??"",serverUrl:e.GITHUB_SERVER_URL??"https://github.com",runId:e.GITHUB_RUN_ID??"",runAttempt:e.GITHUB_RUN_ATTEMPT,ref:e.GITHUB_REF_NAME},o=l(n,t.needs,t.text),i=!1;t.webhookUrl?(await c(t.webhookUrl,o),i=!0,process.stdout.write(`Slack alert sent:
${o}
`)):process.stdout.write(`::warning::no Slack webhook-url given: alert not sent%0A${o.replace(/\n/g,"%0A")}
`),e.GITHUB_OUTPUT&&await p(e.GITHUB_OUTPUT,`sent=${i}
`),e.GITHUB_STEP_SUMMARY&&await p(e.GITHUB_STEP_SUMMARY,`${u(o,i)}
`)}export{$ as run};
