export { freePort } from "./free-port";
export { type NginxProxy, type NginxProxyOptions, startNginxProxy } from "./nginx";
export { type NginxConfigInput, renderNginxConfig } from "./nginx-config";
export { issueServerCertificate, type ServerCertificate } from "./server-cert";
